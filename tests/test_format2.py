"""教案格式 2: the checker's rules (one broken fixture per rule, each asserting the complete list
of problems), the Word 教案, one-page 学习单 files, the 课件, the pack and the page cards."""
import io
import shutil
import subprocess
import sys
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation

from conftest import FIXTURES, ROOT, Tree
from xinyu import content, export, site, slides
from xinyu import worksheet as ws_mod

F2 = "lessons/grade-08/g08-au-fixture-format2.md"


def _tree_with(tmp_path, extra: str) -> Tree:
    """The valid fixture tree with the files of another fixture folder added."""
    shutil.copytree(FIXTURES / "valid", tmp_path / "t")
    shutil.copytree(FIXTURES / extra, tmp_path / "t", dirs_exist_ok=True)
    return Tree(tmp_path / "t")


@pytest.fixture
def tree2(tmp_path) -> Tree:
    """The valid fixture tree with a format-2 lesson and a 班会微课 added."""
    return _tree_with(tmp_path, "format2")


def lesson(tree2):
    return content.load(tree2.root).get("g08-au-fixture-format2")


def found(tree2):
    return [(p.rule, p.line, p.message) for p in tree2.check()]


def test_format2_fixture_is_clean(tree2):
    assert tree2.check() == []


# (case, old, new, [(rule, line, words in the message)]): the complete list of problems.
BROKEN = [
    ("missing 学情分析", "## 学情分析\n\n初二学生", "初二学生", [("sections", 34, "missing section '## 学情分析'")]),
    ("no 纲要依据", "**纲要依据**：", "依据：", [("format-2", 39, "has no **纲要依据**")]),
    ("wrong band", "对初中年级提出“学会恰当地、正确地体验情绪和表达情绪”，本课落在初中“情绪调适”这一目标上。", "提出“学会恰当地、正确地体验情绪和表达情绪”。",
     [("format-2", 41, "does not name the band of grade 8 (初中)")]),
    ("no 出门条", "**出门条**：", "下课前：", [("format-2", 198, "has no **出门条**")]),
    ("one sign only", "2. 小组的冰山图在水面以下至少写出两种感受和一种需要，而不只是重复“很生气”。\n3.", "",
     [("format-2", 200, "**评价要点** lists 1 sign(s)")]),
    ("no 核心/可选", "（7分钟，核心）", "（7分钟）", [("format-2", 113, "does not say 核心 or 可选")]),
    ("core too long", "（5分钟，可选）", "（5分钟，核心）", [("format-2", 101, "the 核心 steps take 41 minutes")]),
    ("step without teacher's words", "> 引导语：“看，大家的身体都是很诚实的报警器。", "“看，大家的身体都是很诚实的报警器。",
     [("format-2", 113, "has no teacher's words")]),
    ("tasks not numbered", "1. 听教师读每件小事，用手臂高度报出自己的怒气温度。", "听教师读每件小事，用手臂高度报出自己的怒气温度。",
     [("format-2", 109, "is not a numbered list of tasks")]),
    ("four tasks", "3. 全班围绕讨论问题交流。\n", "3. 全班围绕讨论问题交流。\n4. 每人写一句感想。\n",
     [("format-2", 141, "chains 4 student tasks")]),
    ("three tasks, nothing to drop", "**时间不够时**：只请两个组讲解", "只请两个组讲解",
     [("format-2", 124, "has 3 tasks but does not say what to drop")]),
    ("去角色 without the teacher's words", "**去角色**：演示后，请演“妈妈”和“晓彤”的同学走回座位前，面对全班说：“我不是晓彤的妈妈（我不是晓彤），我是某某，我喜欢……”全班用掌声送他们回到自己。",
     "**去角色**：演示后，请两位同学回到座位。", [("step-out-of-role", 168, "does not give the teacher's words")]),
    ("role-play in a step with no 去角色 after it", "1. 填写冷静锦囊卡，把卡片放进笔袋。", "1. 两人角色扮演一次借笔被拒，再填写冷静锦囊卡。",
     [("step-out-of-role", 183, "has a role-play but nobody steps out of role")]),
]


@pytest.mark.parametrize("case,old,new,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_format2(tree2, case, old, new, expected):
    tree2.edit(F2, old, new)
    problems = tree2.check()
    got = [(p.rule, p.line) for p in problems]
    assert got == [(rule, line) for rule, line, _ in expected], "\n".join(map(str, problems))
    for p, (_, _, words) in zip(problems, expected):
        assert words in p.message, str(p)
        assert p.fix and p.path == tree2.path(F2)
        assert f"{F2}:{p.line}: " in str(p)


def test_situation_analysis_needs_three_to_six_sentences(tree2):
    text = tree2.path(F2).read_text(encoding="utf-8")
    start = text.index("## 学情分析\n\n") + len("## 学情分析\n\n")
    end = text.index("\n", start)
    tree2.write(F2, text[:start] + "初二学生情绪来得快。他们需要练习暂停。" + text[end:])
    assert [(p.rule, p.line, p.message) for p in tree2.check()] == [("format-2", 35, "'## 学情分析' has 2 sentence(s)")]


def test_role_play_with_no_step_out_at_all(tree2):
    text = tree2.path(F2).read_text(encoding="utf-8")
    text = text.replace("**去角色**：演练结束", "演练结束").replace("**去角色**：演示后", "演示后")
    tree2.write(F2, text)
    assert [(p.rule, p.line) for p in tree2.check()] == [("step-out-of-role", 13)]


WORKSHEET_CASES = [
    ("bad YAML", "    lines: 2\n  - prompt: 画出你的怒气温度", "    lines: [2\n  - prompt: 画出你的怒气温度", "worksheet", "not valid YAML"),
    ("two kinds in one item", "    box: 7\n", "    box: 7\n    lines: 3\n", "worksheet", "exactly one of lines, box, choices, table, drawing or text"),
    ("prompt missing", "  - prompt: 最生气的时候，我做了什么？\n    lines: 2", "  - lines: 2", "worksheet", "needs a prompt"),
    ("too tall for A4", "    box: 7\n", "    box: 20\n", "worksheet", "will not fit one A4 page"),
    ("material names no worksheet", "学习单《冷静锦囊卡》", "学习单《冷静卡》", "worksheet", "there is no worksheet block with that title"),
    ("unknown field", "title: 冷静锦囊卡\n", "title: 冷静锦囊卡\ncolour: red\n", "worksheet", "unknown field 'colour'"),
]


@pytest.mark.parametrize("case,old,new,rule,words", WORKSHEET_CASES, ids=[c[0] for c in WORKSHEET_CASES])
def test_broken_worksheet(tree2, case, old, new, rule, words):
    tree2.edit(F2, old, new)
    problems = tree2.check()
    assert len(problems) == 1, "\n".join(map(str, problems))
    p = problems[0]
    assert p.rule == rule and words in p.message and p.fix, str(p)
    text = tree2.path(F2).read_text(encoding="utf-8").split("\n")
    assert 1 <= p.line <= len(text)


def test_worksheet_error_points_at_the_item(tree2):
    tree2.edit(F2, "  - prompt: 最生气的时候，我做了什么？\n    lines: 2", "  - prompt: 最生气的时候，我做了什么？\n    lines: 12")
    [p] = tree2.check()
    line = tree2.path(F2).read_text(encoding="utf-8").split("\n")[p.line - 1]
    assert "最生气的时候" in line and "'items.3.lines'" in p.message


def test_worksheet_outside_preparation(tree2):
    text = tree2.path(F2).read_text(encoding="utf-8")
    start = text.index("```worksheet\ntitle: 冷静锦囊卡")
    end = text.index("```", start + 10) + 4
    block = text[start:end]
    text = text[:start] + text[end:]
    text = text.replace("## 课后延伸\n", "## 课后延伸\n\n" + block + "\n")
    tree2.write(F2, text)
    problems = tree2.check()
    assert [(p.rule, "outside" in p.message) for p in problems] == [("worksheet", True)]


@pytest.mark.parametrize("old,new,words", [
    ("lesson_type: 活动课\n", "", "names its 课型"),
    ("lesson_type: 活动课", "lesson_type: 游戏课", "unknown lesson_types code(s) 游戏课"),
    ("  - 听懂身体发出的“怒气警报”", "  - 听懂身体在愤怒升温的每一个阶段分别会发出的各种各样的不同的警报信号", "longer than 30 characters"),
])
def test_format2_front_matter(tree2, old, new, words):
    tree2.edit(F2, old, new)
    problems = tree2.check()
    assert [p.rule for p in problems] == ["schema"] and words in problems[0].message, "\n".join(map(str, problems))


def test_format1_lessons_still_pass_without_the_new_sections(tree):
    """Until every grade is converted, a lesson without `format: 2` keeps the old rules."""
    assert tree.check() == []


# --------------------------------------------------------------------------- parsing and layout

def test_worksheets_are_parsed_with_their_lines(tree2):
    item = lesson(tree2)
    assert [w.title for w in item.worksheets] == ["我的愤怒升温曲线", "冷静锦囊卡"]
    first = item.worksheet_blocks[0]
    lines = tree2.path(F2).read_text(encoding="utf-8").split("\n")
    assert lines[first.line - 1].strip() == "```worksheet" and lines[first.end - 1].strip() == "```"
    kinds = [i.kind for i in item.worksheets[0].items]
    assert kinds == ["lines", "box", "choices", "lines", "lines"]
    assert item.worksheets[1].items[1].table.columns[0].startswith("停")


def test_height_grows_with_content():
    small = ws_mod.Worksheet(title="测试", items=[{"prompt": "一", "lines": 1}])
    big = ws_mod.Worksheet(title="测试", items=[{"prompt": "一", "lines": 10}, {"prompt": "二", "box": 20}])
    assert ws_mod.height(small) < ws_mod.height(big)
    assert ws_mod.fits(small) and not ws_mod.fits(big)


# --------------------------------------------------------------------------- pages

def test_lesson_page_shows_format2_sections_and_escaped_cards(tree2):
    tree2.edit(F2, "prompt: 事情的开头是……", "prompt: 事情的开头是<b>这样</b>……")
    lib = content.load(tree2.root)
    lib.downloads = True
    item = lib.get("g08-au-fixture-format2")
    page = site.render_item(item, "zh", lib)
    order = [page.index(f"## {s}") for s in ("学情分析", "设计依据", "教学目标", "教学准备", "教学过程", "板书设计", "学习评价", "安全提示")]
    assert order == sorted(order)
    assert "**课型**：活动课" in page
    assert page.count('<section class="xy-ws"') == 2 and 'id="worksheet-2"' in page
    assert "&lt;b&gt;这样&lt;/b&gt;" in page and "<b>这样</b>" not in page
    assert "```worksheet" not in page and "items:" not in page
    assert "（12分钟，核心）" in page and "（5分钟，可选）" in page
    for uri in ("downloads/lessons/g08-au-fixture-format2.docx", "downloads/worksheets/g08-au-fixture-format2-1.docx",
                "downloads/worksheets/g08-au-fixture-format2-2.docx", "downloads/slides/g08-au-fixture-format2.pptx"):
        assert f"xinyu-download:{uri}" in page
    assert set(export.download_uris(lib)) >= {f"downloads/worksheets/g08-au-fixture-format2-{n}.docx" for n in (1, 2)}


# --------------------------------------------------------------------------- Word 教案

def test_format2_docx_has_the_beijing_layout(tree2):
    item = lesson(tree2)
    doc = Document(io.BytesIO(export.lesson_docx(item)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、学情分析", "二、设计依据", "三、教学目标", "四、教学重难点", "五、教学准备", "六、教学过程",
                        "七、板书设计", "八、学习评价", "九、差异化与备用方案", "十、课后延伸", "十一、家校链接", "十二、安全提示"]
    header = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "课型" in header and "活动课" in header
    process = doc.tables[1]
    names = [r.cells[0].text for r in process.rows[1:-1]]
    assert names[0].endswith("（可选）") and names[1].endswith("（核心）") and len(names) == len(item.steps)
    assert "核心环节共36分钟" in process.rows[-1].cells[2].text
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "学习单1《我的愤怒升温曲线》" in body and "items:" not in body
    assert "温度计            愤怒冰山" in body          # the 板书设计 diagram keeps its spacing
    assert doc.tables[-1].rows[0].cells[0].text.startswith("教学反思")
    for n in ("110", "120", "12355"):
        assert n in body


def _docx_height_cm(doc) -> float:
    """Height of a 学习单 body: exact row heights plus one text line per paragraph line."""
    L = ws_mod.LAYOUT
    total = 0.0
    body = doc.element.body
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            total += max(1, -(-len(text) // L["chars_per_line"])) * L["text_line"] if text else L["gap"]
        elif el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                h = tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
                total += int(h.get(qn("w:val"))) / 567 if h is not None else L["text_line"]
    return total


def test_each_worksheet_is_one_a4_page(tree2):
    item = lesson(tree2)
    for n, ws in enumerate(item.worksheets, start=1):
        doc = Document(io.BytesIO(export.worksheet_docx(item, n, ws)))
        assert len(doc.sections) == 1
        sec = doc.sections[0]
        assert round(sec.page_height.cm, 1) == 29.7 and round(sec.page_width.cm, 1) == 21.0
        xml = doc.element.xml
        assert 'w:type="page"' not in xml and "lastRenderedPageBreak" not in xml
        usable = sec.page_height.cm - sec.top_margin.cm - sec.bottom_margin.cm
        assert _docx_height_cm(doc) <= usable
        assert doc.paragraphs[0].text == ws.title
        assert 'w:eastAsia="黑体"' in xml and 'w:eastAsia="宋体"' in xml
        prompts = [i.prompt for i in ws.items if i.prompt]
        texts = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        for k, prompt in enumerate(prompts, start=1):
            assert f"{k}. {prompt}" in texts


# --------------------------------------------------------------------------- 课件

def test_slides(tree2):
    item = lesson(tree2)
    prs = Presentation(io.BytesIO(slides.lesson_pptx(item)))
    assert round(prs.slide_width / prs.slide_height, 2) == round(16 / 9, 2)
    titles = [next(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in prs.slides]
    steps = [f"{s.name}（{s.minutes}分钟）" for s in item.steps]
    assert titles[0] == item.meta.title and titles[1] == "今天我们一起"
    assert titles[2:2 + 3] == [steps[0], steps[1], steps[2]] and titles[5] == "想一想，聊一聊"
    assert titles[-4:] == ["学习单1：我的愤怒升温曲线", "学习单2：冷静锦囊卡", "出门条", "需要帮助时"]
    assert len(titles) == 2 + len(steps) + 1 + 2 + 2
    text = "\n".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    for aim in item.meta.student_aims:
        assert aim in text
    # Nothing meant for the teacher only.
    for teacher_only in ("安全提示", "引导语", "教师活动", "去角色", "时间不够时", "按下暂停键，不是认输", "教师在门口",
                         "在他情绪平稳、有人陪伴之前"):
        assert teacher_only not in text, teacher_only
    assert "____" in text and "12356" in text
    xml = "".join(s._element.xml for s in prs.slides)
    assert xml.count('<a:ea typeface="微软雅黑"/>') >= len(titles)
    assert '<a:latin typeface="Arial"/>' in xml


def test_standard_lesson_has_no_help_slide(tree2):
    tree2.edit(F2, "sensitivity: care", "sensitivity: standard")
    titles = [t for t, *_ in slides.slide_texts(lesson(tree2))]
    assert "需要帮助时" not in titles


def test_files_are_byte_identical_for_the_same_content(tree2):
    item = lesson(tree2)
    assert export.lesson_files(item) == export.lesson_files(lesson(tree2))


def test_cli_exports_lesson_worksheets_and_slides(tree2, tmp_path):
    tmp_path = tmp_path / "out"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "export.py"), "--root", str(tree2.root),
                          "--lesson", "g08-au-fixture-format2", "--out", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != ".xinyu-outputs.json")
    assert names == ["g08-au-fixture-format2-学习单1.docx", "g08-au-fixture-format2-学习单2.docx",
                     "g08-au-fixture-format2-课件.pptx", "g08-au-fixture-format2.docx"]


def test_pack_holds_lessons_worksheets_and_slides(tree2):
    lib = content.load(tree2.root)
    pack = zipfile.ZipFile(io.BytesIO(export.semester_pack(lib, 8, "autumn")))
    names = pack.namelist()
    assert [n for n in names if n.startswith("学习单/")] == ["学习单/01-1-我的愤怒升温曲线.docx", "学习单/01-2-冷静锦囊卡.docx"]
    assert [n for n in names if n.startswith("课件/")] == ["课件/01-g08-au-fixture-format2.pptx"]
    assert "教案/01-g08-au-fixture-format2.docx" in names
    readme = pack.read("说明.txt").decode("utf-8")
    assert "学习单/" in readme and "课件/" in readme


def test_coverage_counts_format2_lessons(tree2):
    from xinyu import coverage
    lib = content.load(tree2.root)
    counts = coverage.format_counts(lib)
    assert (counts["format2"], counts["total"]) == (1, 2)
    assert counts["grades"][8] == {"total": 1, "format2": 1} and counts["grades"][7] == {"total": 1, "format2": 0}
    page = site.coverage_page(lib, "zh", problems=[])
    assert "已改为教案格式 2 的教案：1 / 2" in page and "| 八年级（初二） | 1 | 1 |" in page


# --------------------------------------------------------------------------- 班会微课

MEETING = "lessons/grade-08/b08-au-fixture-meeting.md"


@pytest.mark.parametrize("old,new,rule,line,words", [
    ("duration: 15", "duration: 30", "schema", 8, "less than or equal to 20"),
    ("（6分钟）", "（8分钟）", "timing", 31, "add up to 17 minutes but duration is 15"),
    ("> 引导语：“小事要小到什么程度？", "“小事要小到什么程度？", "classmeeting-parts", 49, "has no words for the 班主任"),
    ("## 安全提示\n", "## 提示\n", "sections", 24, "missing section '## 安全提示'"),
    ("id: b08-au-fixture-meeting", "id: g08-au-fixture-meeting", "schema", 2, "id must look like b07-au-before-the-midterm"),
])
def test_broken_class_meeting(tree2, old, new, rule, line, words):
    tree2.edit(MEETING, old, new)
    problems = [p for p in tree2.check() if p.path == tree2.path(MEETING)]
    assert problems and (problems[0].rule, problems[0].line) == (rule, line), "\n".join(map(str, problems))
    assert words in problems[0].message


def test_class_meeting_pages_exports_and_coverage(tree2):
    from xinyu import coverage
    lib = content.load(tree2.root)
    lib.downloads = True
    meeting = lib.get("b08-au-fixture-meeting")
    assert meeting.kind == "classmeeting" and lib.semester_classmeetings(8, "autumn") == [meeting]
    assert meeting not in lib.lessons
    page = site.render_item(meeting, "zh", lib)
    assert "| **主持** | 班主任 |" in page and "xinyu-download:downloads/classmeetings/b08-au-fixture-meeting.docx" in page
    assert "- **认知**：学生知道考前担心是常见的" in page and "- 便利贴（每人一张）" in page
    grade = site.grade_page(lib, 8, "zh")
    section = grade[grade.index("### 班会微课"):]
    assert "[期中前的十五分钟——把担心停好，把小事做好](b08-au-fixture-meeting.md)" in section
    doc = Document(io.BytesIO(export.classmeeting_docx(meeting)))
    process = doc.tables[1]
    assert [c.text for c in process.rows[0].cells] == ["环节", "时间", "班主任", "学生"]
    assert [r.cells[1].text for r in process.rows[1:]] == ["2分钟", "6分钟", "5分钟", "2分钟"]
    assert "请每人在便利贴上写一个" in process.rows[2].cells[2].text and "写下一个担心" in process.rows[2].cells[3].text
    pack = zipfile.ZipFile(io.BytesIO(export.semester_pack(lib, 8, "autumn")))
    assert "班会微课/b08-au-fixture-meeting.docx" in pack.namelist()
    assert "downloads/classmeetings/b08-au-fixture-meeting.docx" in export.download_uris(lib)
    # The 班会微课 counts for grade 8's autumn midterm window.
    cells = [c for r in coverage.evaluate(lib, problems=[]) if r.id == "MOMENT-EXAM-BEFORE" for c in r.cells]
    cell = next(c for c in cells if c.label["zh"] == "八年级（初二） 秋季学期期中前")
    assert cell.items == ["b08-au-fixture-meeting"] and cell.ok
    balance = {row["grade"]: row for row in coverage.exam_balance(lib)}
    assert balance[8]["classmeetings"] == 1 and balance[8]["lessons"] == 0 and balance[8]["ok"]


def test_contributor_page_lists_every_kind_and_format2_sections():
    for lang, words in (("zh", ("班会微课", "教案格式 2", "`## 学情分析` → `## 设计依据`", "`lesson_type`", "`## 活动过程`")),
                        ("en", ("Class-meeting segment", "In lesson format 2", "`student_aims`"))):
        tables = site.schema_tables(lang)
        for w in words:
            assert w in tables, (lang, w)


# --------------------------------------------------------------------------- across the library

def _copies(tree2, n: int):
    """n copies of the format-2 fixture lesson under other ids (grade 8, autumn)."""
    text = tree2.path(F2).read_text(encoding="utf-8")
    for k in range(n):
        tree2.write(f"lessons/grade-08/g08-au-fixture-copy-{k}.md", text.replace("g08-au-fixture-format2", f"g08-au-fixture-copy-{k}"))


def test_a_name_in_too_many_lessons(tree2):
    _copies(tree2, 6)           # the fixture and six copies: seven lessons with 思琪
    problems = [p for p in tree2.check() if p.rule == "characters"]
    assert len(problems) == 4         # 思琪, 晓彤, 小杰 and 阿强, each in the seventh lesson only
    named = [p for p in problems if "'思琪'" in p.message]
    assert len(named) == 1 and "already used in 6 lessons" in named[0].message
    assert named[0].line == 15          # the characters line of the seventh lesson
    assert "at most 6 lessons" in named[0].fix


def test_a_declared_name_must_be_in_the_text(tree2):
    tree2.edit(F2, "characters: [思琪, 晓彤, 小杰, 阿强]", "characters: [思琪, 晓彤, 小杰, 阿强, 明月]")
    assert [(p.rule, p.line, p.message) for p in tree2.check()] == [("characters", 15, "characters lists '明月', who is not in the text")]


def test_format2_lesson_must_list_its_characters(tree2):
    tree2.edit(F2, "characters: [思琪, 晓彤, 小杰, 阿强]\n", "")
    [p] = tree2.check()
    assert p.rule == "schema" and "lists its fictional names in characters" in p.message


def test_signature_activity_of_another_grade(tree2, monkeypatch):
    from xinyu import data
    entry = {"name": "怒气温度计", "owner": "g07-au-fixture-lesson", "match": ["手臂当温度计"]}
    monkeypatch.setattr(data, "activities", lambda: [entry])
    [p] = tree2.check()
    assert (p.rule, p.line) == ("activity-reuse", 105)
    assert "opener uses '手臂当温度计': 怒气温度计 belongs to grade 7 (g07-au-fixture-lesson)" in p.message
    assert "revisits: [g07-au-fixture-lesson]" in p.fix
    # Building on it, and saying how, is allowed.
    tree2.edit(F2, "characters: [思琪, 晓彤, 小杰, 阿强]", "characters: [思琪, 晓彤, 小杰, 阿强]\nrevisits: [g07-au-fixture-lesson]")
    tree2.edit(F2, "**设计思路**：先让学生", "**设计思路**：本课承接七年级的暖身，新在用手臂报温度。先让学生")
    assert tree2.check() == []


def test_revisits_must_say_what_is_new(tree2):
    tree2.edit(F2, "characters: [思琪, 晓彤, 小杰, 阿强]", "characters: [思琪, 晓彤, 小杰, 阿强]\nrevisits: [g07-au-fixture-lesson]")
    [p] = tree2.check()
    assert (p.rule, p.line) == ("activity-reuse", 16) and "does not say how it builds on it" in p.message
    tree2.edit(F2, "revisits: [g07-au-fixture-lesson]", "revisits: [g07-au-nothing]")
    [p] = tree2.check()
    assert "revisits 'g07-au-nothing', which is not a lesson" in p.message


def test_same_activity_name_in_another_grade(tree2):
    tree2.edit(F2, "### 一、团体暖身：怒气温度计（5分钟，可选）", "### 一、团体暖身：拍手报名字啦（5分钟，可选）")
    [p] = tree2.check()
    assert (p.rule, p.line) == ("activity-reuse", 103)
    assert "opener '拍手报名字啦' repeats grade 7's '拍手报名字' (g07-au-fixture-lesson)" in p.message


# --------------------------------------------------------------------------- grades 1–3: drawings and 拼音

Y = "lessons/grade-01/g01-sp-fixture-young.md"


@pytest.fixture
def young(tmp_path) -> Tree:
    """The valid fixture tree with a grade-1 lesson, its drawings and 拼音."""
    return _tree_with(tmp_path, "young")


def test_young_fixture_is_clean(young):
    assert young.check() == []


@pytest.mark.parametrize("old,new,rule,words", [
    ("  - prompt: 方框里，画我的好办法。\n    box: 5", "  - prompt: 方框里，画我的好办法，再写一写为什么这个办法对你有用。\n    box: 5", "worksheet", "a prompt for grades 1–3 is one short line"),
    ("  - prompt: 方框里，画我的好办法。\n    box: 5", "  - prompt: 写我的好办法。\n    lines: 4", "worksheet", "asks for 4 writing lines"),
    ("drawing: caterpillar.svg", "drawing: dragon.svg", "drawing", "dragon.svg does not exist"),
    ("涂上{绿色|lǜ sè}。", "涂上{绿色 lǜ sè}。", "worksheet", "outside a 拼音 mark"),
    ("](../drawings/chrysalis.svg)", "](../drawings/chrysalis.png)", "drawing", "is not one of the library's drawings"),
    ("![蛹：挂在树枝上的小小“睡袋”]", "![]", "drawing", "has no description"),
])
def test_broken_young_worksheet(young, old, new, rule, words):
    young.edit(Y, old, new)
    problems = young.check()
    assert [p.rule for p in problems] == [rule] and words in problems[0].message, "\n".join(map(str, problems))


def test_young_worksheet_needs_something_to_draw_or_colour(young):
    text = young.path(Y).read_text(encoding="utf-8")
    text = text.replace("  - prompt: 做到的叶子，涂上{绿色|lǜ sè}。\n    drawing: growing-leaves.svg\n    size: 7\n", "")
    text = text.replace("  - prompt: 方框里，画我的好办法。\n    box: 5\n", "  - prompt: 写我的好办法。\n    lines: 2\n")
    text = text.replace("  - prompt: 给毛毛虫涂上颜色。\n    drawing: caterpillar.svg\n    size: 5\n", "")
    young.write(Y, text)
    [p] = young.check()
    assert "no box to draw in and no picture to colour" in p.message


def test_unsafe_drawing_is_refused(young):
    young.write("lessons/drawings/caterpillar.svg",
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script>'
                '<image href="https://example.org/x.png"/><text>字</text></svg>')
    messages = " | ".join(p.message for p in young.check() if p.rule == "drawing")
    for words in ("contains <script>", "contains <image>", "contains <text>", "refers to another file"):
        assert words in messages


def test_young_page_word_and_slides_show_drawings_and_pinyin(young):
    from pptx import Presentation
    lib = content.load(young.root)
    lib.downloads = True
    item = lib.get("g01-sp-fixture-young")
    page = site.render_item(item, "zh", lib)
    assert "<ruby>绿色<rt>lǜ sè</rt></ruby>" in page and "{绿色|" not in page
    assert 'src="xinyu-download:lessons/drawings/growing-leaves.svg"' in page and 'class="xy-ws xy-ws-young"' in page
    assert "![蛹：挂在树枝上的小小“睡袋”](../drawings/chrysalis.svg)" in page
    assert set(site.drawing_files(lib)) >= {"lessons/drawings/caterpillar.svg", "lessons/drawings/growing-leaves.svg"}
    doc = Document(io.BytesIO(export.worksheet_docx(item, 1, item.worksheets[0])))
    xml = doc.element.xml
    assert "<w:ruby>" in xml and "lǜ sè" in xml
    assert len(doc.inline_shapes) == 2                       # the leaves and the caterpillar
    assert 'w:sz w:val="32"' in xml                          # 16 pt for six-year-olds
    assert _docx_height_cm(doc) <= doc.sections[0].page_height.cm - 2 * doc.sections[0].top_margin.cm
    prs = Presentation(io.BytesIO(slides.lesson_pptx(item)))
    pictures = {s.shapes[0].text_frame.text: sum(1 for sh in s.shapes if sh.shape_type == 13) for s in prs.slides}
    assert pictures["音乐律动：生命变身四幕剧（10分钟）"] == 3              # at most three drawings a slide
    assert pictures["学习单1：我的长大叶子"] == 2
    text = "\n".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "绿色（lǜ sè）" in text and "{" not in text


def test_export_cache_reuses_unchanged_lessons_and_remakes_changed_ones(tree2):
    from xinyu.exportcache import ExportCache
    lib = content.load(tree2.root)
    first = export.downloads(lib)
    store = ExportCache(tree2.root)
    item = content.load(tree2.root).get("g08-au-fixture-format2")
    assert store.files(item, lambda i: pytest.fail("an unchanged lesson is made again")) == export.lesson_files(item)
    assert (store.hits, store.misses) == (1, 0)
    # An edited lesson, an edited drawing-free data file: made again, and the result is the new one.
    tree2.edit(F2, "火山先别喷", "火山先别急着喷")
    item = content.load(tree2.root).get("g08-au-fixture-format2")
    again = ExportCache(tree2.root)
    files = again.files(item, export.lesson_files)
    assert again.misses == 1 and files != {k: v for k, v in first.items() if k in files}
    (tree2.root / "data").mkdir(exist_ok=True)
    (tree2.root / "data" / "note.yml").write_text("x: 1\n", encoding="utf-8")
    assert ExportCache(tree2.root).key(item) != again.key(item)
