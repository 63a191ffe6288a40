"""The search index (xinyu/search.py) and the words people use (data/search.yml), without MkDocs."""
import json
import re

import pytest

from xinyu import content, data, search, site


def load(text: str, name: str):
    """The payload of an index file `__xy("name",data);`."""
    assert text.startswith(f'__xy("{name}",') and text.endswith(");\n")
    return json.loads(text[len(f'__xy("{name}",'):-3])


def test_chinese_is_indexed_as_character_pairs_and_english_as_stemmed_words():
    assert search.terms("入学适应") == ["入学", "学适", "适应"]
    assert "适应" in search.terms("环境适应")                      # a search for 适应 finds 入学适应 and 环境适应
    assert search.terms("Parents’ worries, help-seeking", frozenset({"the"})) == ["parent", "worry", "help", "seeking"]
    assert search.terms("Ｇｒａｄｅ　５") == ["grade"]                # full-width letters fold; one-letter words go
    assert search.terms("怎么办", frozenset({"怎么"})) == ["么办"]


def test_the_hash_is_fnv1a_over_utf16_like_the_worker():
    assert search.fnv("") == 0x811C9DC5
    assert search.fnv("a") == 0xE40C292C                         # the published FNV-1a test vector
    assert search.fnv("家访") == search.fnv("家访") and search.fnv("家访") != search.fnv("访家")
    assert search.shard_key("kaleidoscope") == "kal" and search.shard_key("家访") == "家访"


def test_sections_split_at_headings_and_leave_out_excluded_parts():
    html = ('<p>开头一段</p><div markdown data-search-exclude><table><tr><td>年级</td></tr></table></div>'
            '<h2 id="教学目标">教学目标<a class="headerlink" href="#教学目标">¶</a></h2><p>认识 &amp; 理解</p>'
            '<h3 id="step-1">一、暖身</h3><div class="admonition"><p>引导语</p></div><script>var x = 1;</script>')
    assert search.sections_of(html) == [("", "", "开头一段"), ("教学目标", "教学目标", "认识 & 理解"), ("step-1", "一、暖身", "引导语")]


def test_nested_excluded_blocks_go_whole():
    html = '<p>a</p><div data-search-exclude><div><div>b</div></div>c</div><p>d</p>'
    assert search.plain(search.drop_excluded(html)) == "a d"


def docs():
    return [search.Doc(url="parents/home-visit/", uri="parents/home-visit.md", title="家访指南", words=["家访"],
                       sections=[("", "", "班主任走进学生家里"), ("prepare", "家访之前", "先打电话")]),
            search.Doc(url="lessons/grade-05/g05-a/", uri="lessons/grade-05/g05-a.md", title="好朋友闹别扭了", kind="lesson",
                       grades=(5,), semester="autumn", labels="五年级 人际交往", summary="和好的钥匙",
                       sections=[("", "", "学生手拉手")]),
            search.Doc(url="procedures/first-day/", uri="procedures/first-day.md", title="今天，一名学生说了让你担心的话",
                       kind="procedure", sections=[("", "", "陪着、听、直接问")]),
            search.Doc(url="help/", uri="help.md", title="求助资源", sections=[("", "", "热线")])]


VOCAB = {"crisis": {"pages": ["procedures/first-day.md", "help.md"], "zh": ["不想活"], "en": ["suicide"]},
         "filters": {"zh": {"五年级": [5]}}, "semester_words": {"zh": {"上学期": "autumn"}}, "stopwords": {"zh": ["怎么"]}}


def test_the_index_files_hold_every_term_once_in_the_shard_its_hash_names():
    files = search.build(docs(), "zh", site.strings()["zh"], VOCAB)
    manifest = json.loads(files["search_index.json"])
    xy = manifest["config"]["xy"]
    assert manifest["docs"][1] == ["lessons/grade-05/g05-a/", "好朋友闹别扭了", "lesson", 1 << 5, "autumn"]
    assert xy["path"] == "search/" and xy["crisis"] == {"words": ["不想活"], "docs": [2, 3]}
    assert xy["words"] == {"家访": [0]} and xy["filters"] == {"五年级": [5]}
    shards = {}
    for name, text in files.items():
        if name.startswith("shards/"):
            k = int(re.search(r"(\d+)", name).group(1))
            shards[k] = load(text, f"s{k}")
    assert len(shards) == xy["shards"]
    where = {term: k for k, shard in shards.items() for term in shard}
    for term in ("家访", "朋友", "求助"):
        assert where[term] == search.fnv(term) % xy["shards"]
    # postings: [doc delta, score, ...]; the title weighs more than the body
    home = shards[where["家访"]]["家访"]
    assert home[0] == 0 and home[1] > 0 and len(home) == 2     # only the home-visit page says 家访
    frag = load(files["frags/0.js"], "f0")
    assert frag == ["", [["prepare", "家访之前"]]]                # the summary comes from describe()
    en = search.build(docs(), "en", site.strings()["en"], VOCAB)
    assert json.loads(en["search_index.json"])["config"]["xy"]["path"] == "en/search/"


def test_title_words_score_higher_than_body_words():
    d = [search.Doc(url="a/", title="情绪小屋", sections=[("", "", "别的内容")]),
         search.Doc(url="b/", title="别的标题", sections=[("", "", "情绪小屋")])]
    files = search.build(d, "zh", site.strings()["zh"], VOCAB)
    count = json.loads(files["search_index.json"])["config"]["xy"]["shards"]
    k = search.fnv("情绪") % count
    posting = load(files[f"shards/{k}.js"], f"s{k}")["情绪"]
    assert posting[0] == 0 and posting[2] == 1 and posting[1] > posting[3]


def test_write_replaces_the_index_whole(tmp_path):
    files = {"search_index.json": "{}", "shards/0.js": "x", "frags/0.js": "y"}
    search.write(tmp_path, "zh", "zh", files, offline=True)
    (tmp_path / "search" / "stale.js").write_text("old")
    search.write(tmp_path, "en", "zh", files, offline=False)
    search.write(tmp_path, "zh", "zh", files, offline=True)
    assert not (tmp_path / "search" / "stale.js").exists()
    assert (tmp_path / "search" / "search_index.js").read_text() == "var __index = {}"
    assert (tmp_path / "en" / "search" / "shards" / "0.js").exists()
    assert not (tmp_path / "en" / "search" / "search_index.js").exists()


# ----------------------------------------------------------------------- describing real pages

LIB = content.load()


def test_a_lesson_is_described_with_kind_grade_semester_labels_and_words():
    lesson = LIB.get("g12-sp-loosen-to-go")
    doc = search.describe(lesson.src_uri, "lessons/grade-12/g12-sp-loosen-to-go/", lesson.meta.title, "<p>正文</p>", LIB, "zh",
                          site.strings()["zh"])
    assert doc.kind == "lesson" and doc.grades == (12,) and doc.semester == "spring"
    assert "高三" in doc.labels and "考试心态" in doc.labels and "心理课教案" in doc.labels
    assert "高考" in doc.words                                   # data/search.yml rule: grade 12, before an exam
    assert doc.summary == lesson.meta.summary


def test_plan_and_grade_pages_carry_their_grade_and_parent_modules_their_stage():
    zh = site.strings()["zh"]
    assert search.describe("plans/grade-08.md", "plans/grade-08/", "八年级", "", LIB, "zh", zh).grades == (8,)
    assert search.describe("lessons/grade-05/index.md", "lessons/grade-05/", "五年级", "", LIB, "zh", zh).grades == (5,)
    module = next(p for p in LIB.parents if p.meta.stage == "junior")
    assert search.describe(module.src_uri, "x/", "t", "", LIB, "zh", zh).grades == (7, 8, 9)


# ----------------------------------------------------------------------- data/search.yml

def test_the_vocabulary_names_only_real_pages():
    from xinyu import checks
    pages = checks._generated_pages(LIB) | checks._docs_pages(checks.DOCS)
    assert search.check_vocabulary(pages) == []


def test_a_missing_page_in_the_vocabulary_is_reported_with_its_line(tmp_path):
    path = tmp_path / "search.yml"
    path.write_text("crisis:\n  pages: [help.md]\npages:\n  parents/no-such-page.md:\n    zh: [家访]\n", encoding="utf-8")
    problems = search.check_vocabulary({"help.md"}, path)
    assert [(p.line, p.message) for p in problems] == [(4, "no page parents/no-such-page.md")]
    assert "docs space" in problems[0].fix


def test_crisis_words_cover_what_worried_readers_type():
    vocab = search.vocabulary()
    assert vocab["crisis"]["pages"] == ["procedures/first-day.md", "help.md"]
    for word in ("不想活", "轻生", "割手", "自杀", "自残"):
        assert word in vocab["crisis"]["zh"]
    for word in ("suicide", "self-harm", "want to die"):
        assert word in vocab["crisis"]["en"]
    for word in ("厌学", "不肯上学", "沉迷手机", "早恋", "家访"):
        assert any(word in (v.get("zh") or []) for v in vocab["pages"].values()), word


def test_titles_are_stored_as_text_and_escaped_only_where_shown():
    doc = search.describe("help.md", "help/", "&lt;b&gt;求助&lt;/b&gt; &amp; 热线", "<p>x</p>", LIB, "zh", site.strings()["zh"])
    assert doc.title == "<b>求助</b> & 热线"
    worker = (search.ROOT / search.WORKER_SOURCE).read_text(encoding="utf-8")
    for shown in ("title: esc(doc[1])", "esc(describe(doc))", "esc(frag[0])", "title: esc(section[1])"):
        assert shown in worker, shown


@pytest.mark.parametrize("text, line, message", [
    ("rules:\n  - when: {colour: red}\n    zh: [红]\n", 2, "a rule matches on unknown field(s) colour"),
    ("filters:\n  zh:\n    五年级: [5]\n    十三年级: [13]\n", 4, "十三年级: grades are a list of numbers from 1 to 12"),
    ("semester_words:\n  zh: {上学期: winter}\n", 2, "上学期: 'winter' is not a semester"),
    ("pages:\n  help.md: [求助]\n", 2, "help.md: the words are not given as zh: [...] and en: [...]"),
    ("pages:\n  help.md:\n    zh: [求助\n", 4, "not valid YAML"),
])
def test_a_broken_vocabulary_is_reported_with_its_line(tmp_path, text, line, message):
    path = tmp_path / "search.yml"
    path.write_text(text, encoding="utf-8")
    problems = search.check_vocabulary({"help.md"}, path)
    assert len(problems) == 1 and problems[0].line == line and problems[0].message.startswith(message), problems


def test_an_untranslated_page_is_summarised_by_its_chinese_title_on_the_english_site():
    lesson = LIB.get("g12-sp-loosen-to-go")
    assert lesson.translation is None
    doc = search.describe(lesson.src_uri, "lessons/grade-12/g12-sp-loosen-to-go/", lesson.meta.title_en or "x",
                          "<table><tr><td>Grade</td></tr></table>", LIB, "en", site.strings()["en"])
    assert doc.summary == lesson.meta.title and "Grade 12" in doc.labels and "Lesson" in doc.labels
