"""Word exports and semester packs: open the generated files and check their structure."""
import io
import subprocess
import sys
import zipfile

from docx import Document
from docx.oxml.ns import qn

from conftest import LESSON, ROOT, make_lesson
from xinyu import content, export


def open_docx(payload: bytes) -> Document:
    return Document(io.BytesIO(payload))


def test_lesson_docx_is_a_jiaoan(tree):
    lesson = content.load(tree.root).lessons[0]
    doc = open_docx(export.lesson_docx(lesson))
    header, process = doc.tables[0], doc.tables[1]
    head_text = [c.text for row in header.rows for c in row.cells]
    for words in ("年级", "七年级（初一）", "主题", "人际交往", "课时", "45分钟", "班级", "授课教师"):
        assert words in head_text
    # The process table: a row per step with its minutes, adding up to the duration.
    assert [c.text for c in process.rows[0].cells] == ["教学环节", "时间", "教师活动", "学生活动"]
    rows = process.rows[1:-1]
    assert [r.cells[0].text for r in rows] == [s.name for s in lesson.steps]
    minutes = [int(r.cells[1].text.replace("分钟", "")) for r in rows]
    assert minutes == [5, 25, 15] and sum(minutes) == lesson.meta.duration
    assert process.rows[-1].cells[1].text == "45分钟"
    assert "示范一边拍手" in rows[0].cells[2].text and "我们先用最简单的办法" in rows[0].cells[2].text
    assert rows[0].cells[3].text == "依次拍手报名字和爱好。"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、教学目标", "二、教学重难点", "三、教学准备", "四、教学过程", "五、差异化与备用方案",
                        "六、课后延伸", "七、家校链接", "八、安全提示"]
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "学生能说出结识新同学的两种办法" in body and "名字卡（每人一张）" in body
    assert "当天告知班主任和心理教师" in body


def test_chinese_fonts_are_named_for_word_and_wps(tree):
    doc = open_docx(export.lesson_docx(content.load(tree.root).lessons[0]))
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体"
    heading = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "黑体"
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_semester_pack_holds_the_whole_semester(tree):
    make_lesson(tree, "g07-au-second", 7, "autumn", [9])
    lib = content.load(tree.root)
    pack = zipfile.ZipFile(io.BytesIO(export.semester_pack(lib, 7, "autumn")))
    names = pack.namelist()
    lessons = sorted(n for n in names if n.startswith("教案/"))
    assert len(lessons) == 2 and lessons[0].endswith("g07-au-fixture-lesson.docx") and lessons[1].endswith("g07-au-second.docx")
    for name in lessons:
        open_docx(pack.read(name))
    assert {"学习单与材料.docx", "家长讲义.docx", "说明.txt", "学期计划/grade-07-autumn.csv", "学期计划/grade-07-autumn.ics"} <= set(names)
    handouts = open_docx(pack.read("家长讲义.docx"))
    assert "开学第一周：多听少问" in "\n".join(p.text for p in handouts.paragraphs)      # the junior module's handout
    sheets = open_docx(pack.read("学习单与材料.docx"))
    assert "桌椅靠墙" in "\n".join(p.text for p in sheets.paragraphs)
    # The same content gives the same archive.
    assert export.semester_pack(lib, 7, "autumn") == export.semester_pack(lib, 7, "autumn")


def test_download_uris_match_what_is_made(tree):
    lib = content.load(tree.root)
    made = export.downloads(lib)
    assert sorted(made) == sorted(export.download_uris(lib))
    assert "downloads/lessons/g07-au-fixture-lesson.docx" in made and "downloads/packs/grade-07-autumn.zip" in made


def test_bad_lesson_fails_the_export_with_the_checker_message(tree, tmp_path):
    tree.edit(LESSON, "三句话介绍我（25分钟）", "三句话介绍我（20分钟）")
    run = subprocess.run([sys.executable, str(ROOT / "scripts/export.py"), "--lesson", "g07-au-fixture-lesson",
                          "--root", str(tree.root), "--out", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "lessons/grade-07/g07-au-fixture-lesson.md:34: the steps add up to 40 minutes but duration is 45" in run.stderr
    assert not list(tmp_path.glob("*.docx"))
    run = subprocess.run([sys.executable, str(ROOT / "scripts/export.py"), "--grade", "7", "--semester", "autumn",
                          "--root", str(tree.root), "--out", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1 and "the steps add up to 40 minutes" in run.stderr
    assert not list(tmp_path.glob("*.zip"))


def test_cli_exports_a_lesson_and_a_pack(tree, tmp_path):
    for args, name in ((["--lesson", "g07-au-fixture-lesson"], "g07-au-fixture-lesson.docx"),
                       (["--grade", "7", "--semester", "autumn"], "grade-07-autumn.zip")):
        run = subprocess.run([sys.executable, str(ROOT / "scripts/export.py"), *args, "--root", str(tree.root), "--out", str(tmp_path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / name).stat().st_size > 5000


def test_word_files_are_the_same_for_the_same_content(tree):
    import time
    lesson = content.load(tree.root).lessons[0]
    first = export.lesson_docx(lesson)
    time.sleep(2.1)                       # python-docx would stamp the parts with the new time
    assert export.lesson_docx(lesson) == first
