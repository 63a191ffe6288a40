"""The page generators, search splitting and scaffold, tested without MkDocs."""
import json
import re

import pytest

from conftest import LESSON
from xinyu import content, data, scaffold, search, site


@pytest.fixture
def lib(tree):
    return content.load(tree.root)


def test_lesson_page_places_objectives_materials_and_help(lib):
    lesson = lib.lessons[0]
    md = site.render_item(lesson, "zh")
    goals = md.index("## 教学目标")
    assert md.index("**认知**：学生能说出结识新同学的两种办法。") > goals
    assert md.index("**材料清单**") > md.index("## 教学准备")
    assert "- 名字卡（每人一张）" in md
    assert "需要帮助？" in md and "](../../help.md)" in md
    assert "[七年级（初一）](index.md)" in md           # grade link in the card
    assert "](../../topics/relationships.md)" in md      # topic link in the card


def test_english_page_of_untranslated_lesson(lib):
    md = site.render_item(lib.lessons[0], "en")
    assert "Shown in Chinese" in md and '<div lang="zh-Hans" markdown data-search-exclude>' in md
    assert "| **Length** | 45 min |" in md


def test_sensitive_notice_only_for_high(lib, tree):
    assert "敏感主题" not in site.render_item(lib.lessons[0], "zh")
    tree.edit(LESSON, "topics: [relationships]\n", "topics: [life]\n")
    tree.edit(LESSON, "sensitivity: care", "sensitivity: high")
    md = site.render_item(content.load(tree.root).lessons[0], "zh")
    assert "敏感主题：上课前请读" in md


def test_index_pages_list_every_lesson(lib):
    pages = site.generated_pages(lib, "zh")
    lesson = lib.lessons[0]
    assert f"]({lesson.id}.md)" in pages["lessons/grade-07/index.md"]
    assert f"](../lessons/grade-07/{lesson.id}.md)" in pages["topics/relationships.md"]
    assert "| 初中 | [七年级（初一）](grade-07/index.md) | 1 | 0 |" in pages["lessons/index.md"]
    for g in range(1, 13):
        assert f"lessons/grade-{g:02d}/index.md" in pages
    for code in data.vocabularies()["topics"]:
        assert f"topics/{code}.md" in pages


def test_markers(lib):
    md = site.fill_markers("x <!-- xinyu:parent-modules --> y", lib, "parents/index.md", "zh")
    assert "[测试用家长模块：开学第一周](p-fixture-module.md)" in md
    with pytest.raises(KeyError, match="unknown marker"):
        site.fill_markers("<!-- xinyu:nonsense -->", lib, "index.md", "zh")


def test_contacts_show_only_verified_details():
    table = site.contacts_table("zh")
    for c in data.contacts():
        assert c["name"]["zh"] in table
        if c.get("verified") and c.get("phone"):
            assert f"**{c['phone']}**" in table
        if not c.get("verified"):
            assert c["pending"]["zh"] in table


def test_localise_config():
    html = '<script id="__config" type="application/json">{"base": "../..", "search": "x"}</script>'
    out = search.localise_config(html, "en")
    assert json.loads(out.split(">", 1)[1].split("</script>")[0])["base"] == "../../en/"
    assert search.localise_config(html, "zh") == html
    out = search.localise_config(html, "zh", worker="../assets/javascripts/search-worker.js")
    assert json.loads(out.split(">", 1)[1].split("</script>")[0]) == {"base": "../..", "search": "../assets/javascripts/search-worker.js"}


def test_scaffold_makes_a_fresh_id(tree):
    first = scaffold.new_lesson(7, "autumn", "fixture-lesson", "新课", root=tree.root)
    assert first.name == "g07-au-fixture-lesson-2.md"     # the fixture already uses the plain id
    text = first.read_text(encoding="utf-8")
    assert "id: g07-au-fixture-lesson-2" in text and "duration: 45" in text and "grade: 7" in text
    second = scaffold.new_lesson(7, "autumn", "fixture-lesson", "新课", root=tree.root)
    assert second.name == "g07-au-fixture-lesson-3.md"
    with pytest.raises(ValueError, match="lowercase"):
        scaffold.new_lesson(7, "autumn", "Bad Slug", "x", root=tree.root)
    # The scaffold is a start, not a lesson: the checker asks for it to be written out.
    problems = [p for p in tree.check() if p.path == first]
    assert any(p.rule == "placeholder" for p in problems)


def test_compact_html_keeps_text_and_preformatted_blocks():
    from xinyu.offline import compact_html
    html = "<div>\n    <p>一\n      二</p>\n<pre><code>a\n    b</code></pre>\n  <script>x\n   y</script>\n</div>"
    out = compact_html(html)
    assert out == "<div>\n<p>一\n二</p>\n<pre><code>a\n    b</code></pre>\n<script>x\n   y</script>\n</div>"


def test_overview_page_and_lesson_position(lib):
    lesson = lib.lessons[0]
    overview = lib.overview(7, "autumn")
    md = site.render_item(overview, "zh", lib)
    assert "## 课程顺序" in md and f"]({lesson.id}.md)" in md and "从认识新同学开始" in md
    card = site.render_item(lesson, "zh", lib)
    assert "[秋季学期第1课（共1课）](semester-autumn.md)" in card
    assert "[七年级秋季学期：从“新”到“稳”](semester-autumn.md)" in site.grade_page(lib, 7, "zh")


def test_learning_paths_and_training_matrix(lib, monkeypatch):
    from xinyu import training
    paths = {"semesters": [{"zh": f"第{n}学期", "en": f"Semester {n}"} for n in range(1, 7)],
             "paths": {"all-staff": [["t-fixture-unit"]] * 6, "head-teacher": [[], [], [], [], [], []]}}
    monkeypatch.setattr(training, "paths_file", lambda: paths)
    md = site.learning_paths(lib, "training/index.md", "zh")
    assert md.count("[测试用培训单元：发现与报告](t-fixture-unit.md)") == 6
    assert "### 班主任" in md and "- **第1学期**：—" in md
    matrix = site.training_matrix(lib, "training/index.md", "zh")
    assert "| 全体教职工 | 0 | 0 | 1 |" in matrix and "| 班主任 | 0 | 0 | 0 |" in matrix


def test_parent_module_has_three_faces(lib):
    module = lib.parents[0]
    reading = site.render_item(module, "zh", lib)
    assert "这周可以试试的三件事" in reading
    assert "## 家长学校活动方案" not in reading and "## 一页讲义" not in reading
    assert "[家长学校活动方案](p-fixture-module-session.md)" in reading
    session = site.render_parent_extra(module, "session", "zh")
    assert "## 家长学校活动方案" in session and "## 家长常问" in session and "开学第一周：多听少问" not in session
    handout = site.render_parent_extra(module, "handout", "zh")
    assert "开学第一周：多听少问" in handout and "## 家长学校活动方案" not in handout
    english = site.render_item(module, "en", lib)
    assert "## Three things to try this week" in english and "这周可以试试的三件事" not in english


def test_reload_forgets_data_files_read_before():
    from xinyu import training
    first = (data.site(), data.contacts(), site.strings(), training.paths_file())
    assert data.site() is first[0]                                 # read once per build
    data.reload()                                                  # what the hook does at each build
    again = (data.site(), data.contacts(), site.strings(), training.paths_file())
    assert all(a is not b and a == b for a, b in zip(first, again))


def test_lesson_finder_has_one_card_per_lesson_with_its_filters_and_escapes_titles(tree):
    from conftest import make_lesson
    make_lesson(tree, "g05-sp-fixture-two", 5, "spring", [9], topics=("career", "self"), moment="graduation")
    tree.edit(LESSON, "title: 测试用教案：认识新同学", 'title: "测试用教案：<b>认识</b> & [新同学]"')
    lib = content.load(tree.root)
    lib.downloads = False
    md = site.finder_page(lib, "zh")
    cards = re.findall(r'<li class="xy-card [^"]*" ([^>]*) markdown>', md)
    assert len(cards) == len(lib.lessons) + len(lib.classmeetings) == 2
    two = next(c for c in cards if 'data-grade="5"' in c)
    for attr in ('data-stage="upper-primary"', 'data-semester="spring"', 'data-topic="career self"', 'data-moment="graduation"',
                 'data-kind="lesson"', 'data-length="40"'):
        assert attr in two, attr
    assert r"[测试用教案：&lt;b&gt;认识&lt;/b&gt; &amp; \[新同学\]](grade-07/g07-au-fixture-lesson.md)" in md
    assert "<b>认识</b>" not in md
    for key in ("stage", "grade", "topic", "semester", "moment", "kind", "slot", "method", "length"):
        assert f'data-key="{key}"' in md, key
    assert 'data-value="junior"' in md and 'data-value="career"' in md
    en = site.finder_page(lib, "en")
    assert "# Lesson finder" in en and "Career planning" in en
    assert site.FINDER in site.generated_pages(lib, "zh") and "(finder.md)" in site.generated_pages(lib, "zh")["lessons/index.md"]
