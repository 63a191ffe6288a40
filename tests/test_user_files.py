"""Every tool with a real user's files (issue 15): nothing lost, nothing injected, no traceback.

Each case asserts the one-line message and, where a tool writes files, that nothing outside the
tool's own output changed (the folder is hashed before and after).
"""
import csv
import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import yaml
from docx import Document

from conftest import LESSON, ROOT, TRAINING, make_lesson
from xinyu import checks, cli, content, escape, export, outputs, planner, site, training

CALENDAR = ROOT / "data" / "calendars" / "beijing-2025-2026.yml"
SAVE_AS = "save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"
HOSTILE = ["<script>alert(1)</script>身体", "A | B *c* [d"]


# --------------------------------------------------------------------------- helpers

def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def tool(script: str, *args, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True)


def one_line_error(run: subprocess.CompletedProcess, *words: str, code: int = 2) -> str:
    """The run failed with `code`, no traceback, and said one line holding `words`."""
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    lines = [l for l in run.stderr.splitlines() if l.strip()]
    assert run.returncode == code, run.stderr + run.stdout
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def write_roster(folder: Path, rows, head=("姓名", "工号", "部门", "角色"), name="roster.csv", delimiter=",", encoding="utf-8-sig") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(head)
    w.writerows(rows)
    path = folder / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


PEOPLE = [["张三", "T001", "初一年级组", "班主任"], ["李四", "T002", "初二年级组", "学科教师"], ["王五", "T003", "心理组", "心理教师"]]


def lesson_text(tree) -> str:
    return tree.path(LESSON).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- 1. output folders

def test_assign_out_dot_refuses_and_keeps_the_roster(tmp_path):
    write_roster(tmp_path, PEOPLE)
    (tmp_path / "我的笔记.docx").write_bytes(b"the coordinator's own file")
    before = snapshot(tmp_path)
    run = tool("assign.py", "--roster", "roster.csv", "--semester", "1", "--out", ".", cwd=tmp_path)
    one_line_error(run, "is the current folder", "--force")
    assert snapshot(tmp_path) == before
    assert [p.name for p in tmp_path.parent.iterdir() if "assign.py" in p.name] == []   # no temp folder left


def test_assign_out_dot_with_force_writes_beside_the_users_files(tmp_path):
    write_roster(tmp_path, PEOPLE)
    (tmp_path / "我的笔记.docx").write_bytes(b"the coordinator's own file")
    before = snapshot(tmp_path)
    for _ in range(2):                    # the second run replaces only the first run's files
        run = tool("assign.py", "--roster", "roster.csv", "--semester", "1", "--out", ".", "--force", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        after = snapshot(tmp_path)
        assert {k: v for k, v in after.items() if k in before} == before        # roster and notes untouched
        assert "培训安排.csv" in after and any(k.startswith("签到表/") for k in after)
        assert set(after) - set(before) <= {"培训安排.csv", outputs.MANIFEST} | {k for k in after if k.startswith("签到表/")}


def test_assign_refuses_a_folder_with_files_it_did_not_make(tmp_path):
    roster = write_roster(tmp_path, PEOPLE)
    out = tmp_path / "results"
    out.mkdir()
    (out / "去年的安排.xlsx").write_bytes(b"last year's plan")
    before = snapshot(tmp_path)
    run = tool("assign.py", "--roster", roster, "--semester", "1", "--out", out)
    one_line_error(run, "holds files assign.py did not make", "去年的安排.xlsx", "--force")
    assert snapshot(tmp_path) == before
    run = tool("assign.py", "--roster", roster, "--semester", "1", "--out", out, "--force")
    assert run.returncode == 0, run.stderr
    assert (out / "去年的安排.xlsx").read_bytes() == b"last year's plan"


def test_assign_replaces_its_own_previous_results_only(tmp_path):
    roster = write_roster(tmp_path, PEOPLE)
    out = tmp_path / "results"
    assert tool("assign.py", "--roster", roster, "--semester", "1", "--out", out).returncode == 0
    first = snapshot(out)
    assert tool("assign.py", "--roster", roster, "--semester", "2", "--out", out).returncode == 0
    second = snapshot(out)
    assert first["培训安排.csv"] != second["培训安排.csv"]
    # Results made by an older version (no manifest) are recognised by their names.
    (out / outputs.MANIFEST).unlink()
    assert tool("assign.py", "--roster", roster, "--semester", "1", "--out", out).returncode == 0


def test_assign_refuses_a_home_folder(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    roster = write_roster(home, PEOPLE)
    before = snapshot(home)
    run = tool("assign.py", "--roster", roster, "--semester", "1", "--out", home, env=dict(os.environ, HOME=str(home)))
    one_line_error(run, "is a home folder")
    assert snapshot(home) == before


def test_a_locked_file_leaves_the_previous_results(tmp_path, monkeypatch):
    out = tmp_path / "results"

    def first(stage):
        (stage / "培训安排.csv").write_text("old", encoding="utf-8")
        (stage / "签到表").mkdir()
        (stage / "签到表" / "01-a.docx").write_text("old sheet", encoding="utf-8")
    outputs.place(out, first, "assign.py", results_folder=True)
    (tmp_path / "mine.txt").write_text("user", encoding="utf-8")
    before = snapshot(tmp_path)
    real = os.replace

    def locked(src, dst):
        if Path(src).name == "01-a.docx" and Path(src).parent.parent == out:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process", str(src))
        return real(src, dst)
    monkeypatch.setattr(outputs.os, "replace", locked)

    def second(stage):
        (stage / "培训安排.csv").write_text("new", encoding="utf-8")
    with pytest.raises(outputs.OutputError) as exc:
        outputs.place(out, second, "assign.py", results_folder=True)
    assert "01-a.docx is open in another program" in str(exc.value) and "previous results are unchanged" in str(exc.value)
    assert snapshot(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_read_only_output_folder_is_one_line(tmp_path, monkeypatch, capsys):
    import tempfile
    roster = write_roster(tmp_path, PEOPLE)

    def read_only(*a, **kw):
        raise PermissionError(13, "Permission denied", kw.get("dir"))
    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    sys.path.insert(0, str(ROOT / "scripts"))
    import assign
    before = snapshot(tmp_path)
    assert cli.run(assign.main, ["--roster", str(roster), "--semester", "1", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot write in") and "choose a folder you can write to" in err and "\n" not in err
    assert snapshot(tmp_path) == before


def test_plan_never_overwrites_a_file_it_did_not_make(tmp_path):
    mine = tmp_path / "grade-08-autumn.csv"
    mine.write_text("my own edited plan", encoding="utf-8")
    before = snapshot(tmp_path)
    run = tool("plan.py", "--grade", "8", "--out", tmp_path)
    one_line_error(run, "grade-08-autumn.csv exists and was not made by plan.py", "rename or move it")
    assert snapshot(tmp_path) == before
    mine.unlink()
    for _ in range(2):                      # its own files it may replace
        assert tool("plan.py", "--grade", "8", "--out", tmp_path).returncode == 0
    assert {"grade-08-autumn.csv", "grade-08-spring.ics"} <= set(snapshot(tmp_path))


def test_export_never_overwrites_a_file_it_did_not_make(tree, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "g07-au-fixture-lesson.docx").write_bytes(b"my edited lesson")
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    before = snapshot(out)
    run = tool("export.py", "--lesson", "g07-au-fixture-lesson", "--root", tree.root, "--out", out)
    one_line_error(run, "g07-au-fixture-lesson.docx exists and was not made by export.py")
    assert snapshot(out) == before
    (out / "g07-au-fixture-lesson.docx").unlink()
    for _ in range(2):
        assert tool("export.py", "--lesson", "g07-au-fixture-lesson", "--root", tree.root, "--out", out).returncode == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_offline_zip_out_keeps_other_files(tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(ROOT / "scripts"))
    import bundle

    def fake_build(stage):
        (stage / "site").mkdir()
        (stage / "site" / "index.html").write_text("<script>__md_scope=1</script><p>x</p>", encoding="utf-8")
    monkeypatch.setattr(bundle, "build", fake_build)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "xinyu-offline-old.zip").write_bytes(b"an earlier bundle")
    (out / "README-IT.txt").write_text("the IT department's notes", encoding="utf-8")
    before = snapshot(out)
    assert cli.run(bundle.main, ["--version", "t1", "--out", str(out)]) == 2
    assert "holds files bundle.py did not make (README-IT.txt)" in capsys.readouterr().err
    assert snapshot(out) == before
    assert cli.run(bundle.main, ["--version", "t1", "--out", str(out), "--force"]) == 0
    after = snapshot(out)
    assert after["README-IT.txt"] == before["README-IT.txt"] and "xinyu-offline-old.zip" not in after
    assert "xinyu-offline-t1.zip" in after


# --------------------------------------------------------------------------- 2. escaping and the checker

@pytest.mark.parametrize("field,old,new,line,words", [
    ("title", "title: 测试用教案：认识新同学", "title: <script>alert(1)</script>身体", 3, "'title' contains HTML"),
    ("title", "title: 测试用教案：认识新同学", "title: A | B *c* [d", 3, "'title' contains '|', which is table or link markup"),
    ("title_en", "title: 测试用教案：认识新同学", "title: 测试用教案：认识新同学\ntitle_en: Meet <b>you</b>", 4, "'title_en' contains HTML"),
    ("summary", "summary: 这是检查工具测试用的教案，结构完整，内容简短。", "summary: 这是检查工具测试用的教案<img src=x onerror=alert(1)>。", 13, "'summary' contains HTML"),
], ids=["script-title", "markup-title", "html-title-en", "html-summary"])
def test_checker_refuses_html_and_markup_in_titles(tree, field, old, new, line, words):
    tree.edit(LESSON, old, new)
    found = [p for p in tree.check() if p.rule == "plain-text"]
    assert len(found) == 1, [str(p) for p in tree.check()]
    assert found[0].line == line and words in found[0].message
    assert " — " in str(found[0]) and "plain text" in found[0].fix or "leave out" in found[0].fix


def _html(md: str) -> str:
    body = md.split("---\n", 2)[2] if md.startswith("---\n") else md
    return markdown.markdown(body, extensions=["admonition", "attr_list", "md_in_html", "tables", "toc",
                                               "pymdownx.details", "pymdownx.superfences"])


def _front(md: str) -> dict:
    return yaml.safe_load(md.split("---\n", 2)[1]) if md.startswith("---\n") else {}


@pytest.fixture
def hostile_lib(tree):
    """Two grade-7 lessons titled to break pages, read with the checker bypassed."""
    make_lesson(tree, "g07-au-second-lesson", 7, "autumn", [5])
    tree.edit(LESSON, "title: 测试用教案：认识新同学", f"title: \"{HOSTILE[0]}\"\ntitle_en: \"{HOSTILE[0]}\"")
    tree.edit("lessons/grade-07/g07-au-second-lesson.md", "title: 测试用教案：认识新同学", f"title: \"{HOSTILE[1]}\"")
    tree.edit("lessons/grade-07/g07-au-second-lesson.md", "sensitivity: care\n", "sensitivity: care\ntags: [\"<i>tag</i>\", 新同学]\n")
    lib = content.load(tree.root)
    assert {i.meta.title for i in lib.lessons} == set(HOSTILE)
    return lib


def test_hostile_titles_show_as_text_on_every_generated_page(hostile_lib):
    import html as htmllib
    seen = {t: 0 for t in HOSTILE}
    for lang in ("zh", "en"):
        for uri, md in site.generated_pages(hostile_lib, lang).items():
            page = _html(md)
            assert "<script>" not in page and "<em>c</em>" not in page and "<i>tag</i>" not in page, (lang, uri)
            meta = _front(md)
            for key in ("title", "description"):
                assert "<" not in str(meta.get(key, "")), (lang, uri, key)
            assert all("<" not in t for t in meta.get("tags", []))
            text = htmllib.unescape(re.sub(r"<[^>]+>", "", page))
            for t in HOSTILE:
                seen[t] += text.count(t)
    assert all(n >= 4 for n in seen.values()), seen      # headings, tables, links, previous/next


def test_hostile_titles_keep_tables_whole(hostile_lib):
    page = _html(site.generated_pages(hostile_lib, "zh")["lessons/grade-07/index.md"])
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    body = [r for r in rows if "<td>" in r]
    assert len(body) == 2 and all(r.count("<td>") == 4 for r in body)     # weeks, lesson, topics, moment
    assert '>A | B *c* [d</a>' in page and "&lt;script&gt;alert(1)&lt;/script&gt;身体</a>" in page
    lesson = hostile_lib.get("g07-au-fixture-lesson")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", _html(site.render_item(lesson, "en", hostile_lib))).group(1)
    assert h1 == "&lt;script&gt;alert(1)&lt;/script&gt;身体"


def test_escape_functions():
    assert escape.html('<a href="x">') == "&lt;a href=&#34;x&#34;&gt;"
    assert escape.md_cell("A | B\n*c* [d]") == r"A \| B \*c\* \[d\]"
    assert escape.md_inline("<b>_x_</b>") == r"&lt;b&gt;\_x\_&lt;/b&gt;"
    assert escape.page_meta('<x> & "y"') == "&lt;x&gt; &amp; &quot;y&quot;"
    assert escape.csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"


def test_csv_and_ics_escape_titles(hostile_lib, tree):
    cal = planner.load_calendar()
    hostile_lib.get("g07-au-second-lesson").meta.title = "=cmd|' /C calc'!A0, 第二课; 说明"
    p = planner.plan(hostile_lib, 7, "autumn", cal)
    rows = list(csv.reader(io.StringIO(planner.to_csv(p).decode("utf-8-sig"))))
    assert any(r[3] == "'=cmd|' /C calc'!A0, 第二课; 说明" for r in rows)
    ics = planner.to_ics(p).decode("utf-8")
    assert r"=cmd|' /C calc'!A0\, 第二课\; 说明" in ics.replace("\r\n ", "")


# --------------------------------------------------------------------------- 3. encodings

@pytest.mark.parametrize("encoding,name", [("gbk", "GBK"), ("gb18030", "GBK"), ("utf-16", "UTF-16"), ("utf-16-be", "UTF-16")])
def test_content_in_other_encodings_is_named(tree, encoding, name):
    path = tree.path(LESSON)
    path.write_bytes(lesson_text(tree).encode(encoding))
    found = [str(p) for p in tree.check() if p.path == path]
    assert found == [f"{path}:1: saved as {name} — {SAVE_AS}"]


def test_content_with_a_bom_is_read(tree):
    tree.path(LESSON).write_bytes(b"\xef\xbb\xbf" + lesson_text(tree).encode("utf-8"))
    assert tree.check() == []


def test_check_cli_names_a_gbk_lesson_without_traceback(tree):
    tree.path(LESSON).write_bytes(lesson_text(tree).encode("gbk"))
    run = tool("check.py", "--root", tree.root)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"g07-au-fixture-lesson.md:1: saved as GBK — {SAVE_AS}" in run.stdout


@pytest.mark.parametrize("encoding,name", [("gbk", "GBK"), ("utf-16", "UTF-16")])
def test_calendar_in_other_encodings_is_named(tmp_path, encoding, name):
    cal = tmp_path / "校历.yml"
    cal.write_bytes(CALENDAR.read_text(encoding="utf-8").encode(encoding))
    before = snapshot(tmp_path)
    run = tool("plan.py", "--grade", "8", "--calendar", cal, "--out", tmp_path)
    one_line_error(run, f"校历.yml: saved as {name} — {SAVE_AS}")
    assert snapshot(tmp_path) == before


def test_calendar_with_a_bom_is_read(tmp_path):
    cal = tmp_path / "校历.yml"
    cal.write_bytes(b"\xef\xbb\xbf" + CALENDAR.read_bytes())
    assert planner.load_calendar(cal)["lesson_weekday"] == 2


def test_gbk_and_tab_separated_rosters_are_accepted(tmp_path):
    gbk = write_roster(tmp_path, PEOPLE, name="gbk.csv", encoding="gbk")
    tabs = write_roster(tmp_path, PEOPLE, name="tabs.csv", delimiter="\t")
    for path in (gbk, tabs):
        assert [p.name for p in training.read_roster(path)] == ["张三", "李四", "王五"]


# --------------------------------------------------------------------------- 4. no traceback

def _calendar(tmp_path, old: str | None = None, new: str = "", text: str | None = None) -> Path:
    body = CALENDAR.read_text(encoding="utf-8") if text is None else text
    if old is not None:
        assert old in body
        body = body.replace(old, new, 1)
    path = tmp_path / "my-school.yml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("case,make,words", [
    ("empty calendar", lambda d: _calendar(d, text=""), "the calendar is empty"),
    ("comments only", lambda d: _calendar(d, text="# 校历\n"), "the calendar is empty"),
    ("impossible date", lambda d: _calendar(d, "end: 2026-01-23}", "end: 2026-02-30}"), "line 15: 2026-02-30 is not a date"),
    ("unknown weekday", lambda d: _calendar(d, "lesson_weekday: 2", "lesson_weekday: 周八"), "lesson_weekday is '周八' — write 1 (周一) to 5 (周五)"),
    ("bad yaml", lambda d: _calendar(d, "semesters:\n", "semesters:\n  - {semester: autumn, grades: [1\n"), "not valid YAML"),
    ("not a mapping", lambda d: _calendar(d, text="- 2025-09-01\n"), "a calendar is YAML fields"),
    ("no semester for the grade", lambda d: _calendar(d, text="semesters:\n  - {semester: autumn, grades: [8], start: 2025-09-01, end: 2026-01-23}\n"),
     "the calendar has no spring semester for grade 8 — add one"),
    ("grades not a list", lambda d: _calendar(d, "grades: [10, 11, 12], start: 2025-09-01", "grades: 10, start: 2025-09-01"), "not laid out as expected"),
    ("missing file", lambda d: d / "nope.yml", "no such calendar file"),
    ("a folder", lambda d: d, "is a folder"),
])
def test_plan_calendar_problems_are_one_line(tmp_path, case, make, words):
    cal = make(tmp_path)
    before = snapshot(tmp_path)
    one_line_error(tool("plan.py", "--grade", "8", "--calendar", cal, "--out", tmp_path), words)
    assert snapshot(tmp_path) == before


def test_a_calendar_named_in_one_language_plans(tmp_path):
    cal = _calendar(tmp_path, "name: {zh: 北京市中小学 2025—2026 学年校历（默认）, en: \"Beijing schools, 2025–2026 (default)\"}", "name: 我的学校")
    assert tool("plan.py", "--grade", "8", "--calendar", cal, "--out", tmp_path / "out").returncode == 0


def test_weekday_in_chinese_is_accepted(tmp_path):
    for text, n in (("周二", 2), ("星期四", 4), ("5", 5)):
        cal = planner.load_calendar(_calendar(tmp_path, "lesson_weekday: 2", f"lesson_weekday: {text}"))
        assert cal["lesson_weekday"] == n
    out = tmp_path / "out"
    assert tool("plan.py", "--grade", "8", "--calendar", _calendar(tmp_path, "lesson_weekday: 2", "lesson_weekday: 周二"), "--out", out).returncode == 0


@pytest.mark.parametrize("script,args,words", [
    ("plan.py", ["--grade", "0"], "--grade 0: grades are 1–12"),
    ("export.py", ["--grade", "0", "--semester", "autumn"], "--grade 0: grades are 1–12"),
    ("export.py", ["--lesson", "x", "--root", "/nonexistent/folder"], "no such folder"),
    ("new_lesson.py", ["--grade", "0", "--semester", "autumn", "--slug", "x"], "grade must be 1–12"),
    ("check.py", ["--root", "/nonexistent/folder"], "--root /nonexistent/folder: no such folder"),
    ("assign.py", ["--roster", "/nonexistent/名单.xlsx", "--semester", "1", "--out", "x"], "no such roster file"),
    ("assign.py", ["--roster", "{tmp}", "--semester", "1", "--out", "x"], "is a folder, not a roster file"),
    ("coverage.py", ["--check-baseline", "--baseline", "{tmp}/broken.json"], "not a baseline file"),
])
def test_bad_requests_are_one_line(tmp_path, script, args, words):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    before = snapshot(tmp_path)
    one_line_error(tool(script, *args, cwd=tmp_path), words)
    assert snapshot(tmp_path) == before


def test_check_root_without_content_folders_is_an_error(tmp_path):
    one_line_error(tool("check.py", "--root", tmp_path), "holds no lessons/, parents/ or training/ folder")


def test_csv_renamed_xlsx_is_one_message(tmp_path):
    csv_path = write_roster(tmp_path, PEOPLE)
    fake = tmp_path / "名单.xlsx"
    fake.write_bytes(csv_path.read_bytes())
    before = snapshot(tmp_path)
    run = tool("assign.py", "--roster", fake, "--semester", "1", "--out", tmp_path / "out")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "a CSV or text file renamed .xlsx — open it in Excel and save it as" in run.stderr
    assert snapshot(tmp_path) == before


def test_tab_separated_roster_works_end_to_end(tmp_path):
    roster = write_roster(tmp_path, PEOPLE, delimiter="\t")
    run = tool("assign.py", "--roster", roster, "--semester", "1", "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "张三" in (tmp_path / "out" / "培训安排.csv").read_text(encoding="utf-8-sig")


def test_word_export_turns_markdown_tables_into_word_tables(tree):
    tree.edit(LESSON, "## 教学准备\n", "## 教学准备\n\n| 情境 | 可能的感受 |\n|---|---|\n| 第一次见面 | 紧张、好奇 |\n| 被叫错名字 | 尴尬 |\n")
    lesson = content.load(tree.root).lessons[0]
    doc = Document(io.BytesIO(export.lesson_docx(lesson)))
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["情境", "可能的感受"] in cells and ["第一次见面", "紧张、好奇"] in cells and ["被叫错名字", "尴尬"] in cells
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "|---|" not in text and "| 情境" not in text


# --------------------------------------------------------------------------- 5. no silent drops

@pytest.mark.parametrize("name,fix", [("g07-au-other.MD", "g07-au-other.md"), ("g07-au-other.md.txt", "g07-au-other.md"),
                                      ("g07-au-other.markdown", "g07-au-other.md")])
def test_content_files_with_a_wrong_extension_are_errors(tree, name, fix):
    path = tree.path(f"lessons/grade-07/{name}")
    path.write_text(lesson_text(tree), encoding="utf-8")
    found = [p for p in tree.check() if p.path == path]
    assert len(found) == 1 and found[0].level == "error"
    assert f"'{name}' is not read: content files end in .md (lowercase)" in found[0].message and found[0].fix == f"rename it to {fix}"


def test_a_key_written_twice_is_an_error_with_its_line(tree):
    tree.edit(LESSON, "sensitivity: care\n", "sensitivity: care\nweeks: [5]\n")
    found = [p for p in tree.check() if p.path == tree.path(LESSON)]
    assert len(found) == 1 and found[0].line == 13
    assert "'weeks' is written twice in the front matter (lines 6 and 13)" in found[0].message


def test_a_nested_key_written_twice_is_an_error(tree):
    tree.edit(LESSON, "  行为: 学生能向一位新同学做自我介绍。\n", "  行为: 学生能向一位新同学做自我介绍。\n  认知: 又写了一遍认知目标。\n")
    found = [str(p) for p in tree.check()]
    assert any("'认知' is written twice in the front matter (lines 15 and 18)" in f for f in found), found


def test_an_unclosed_brace_points_at_its_line(tree):
    tree.edit(LESSON, "topics: [relationships]", "topics: {relationships")
    found = [p for p in tree.check() if p.path == tree.path(LESSON)]
    assert found[0].line == 8 and "the bracket opened on this line is not closed" in found[0].message and "from line 8" in found[0].message


def test_an_oversized_lesson_is_an_error(tree):
    tree.path(LESSON).write_text(lesson_text(tree) + "\n" + "很长的粘贴内容。" * 12000 + "\n", encoding="utf-8")
    found = [p for p in tree.check() if p.path == tree.path(LESSON)]
    assert len(found) == 1 and "KB, more than the 200 KB a content file may be" in found[0].message


def test_merged_cells_in_an_xlsx_roster_are_filled(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "工号", "部门", "角色"])
    ws.append(["张三", "T001", "初一年级组", "班主任"])
    ws.append(["李四", "T002", None, "学科教师"])
    ws.append(["王五", "T003", None, "学科教师"])
    ws.merge_cells("C2:C4")
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    people = training.read_roster(path)
    assert [p.department for p in people] == ["初一年级组"] * 3


def test_a_completion_name_matching_two_people_is_an_error(tmp_path):
    roster = write_roster(tmp_path, [["张伟", "T001", "初一", "班主任"], ["张伟", "T002", "初二", "学科教师"], ["李四", "T003", "初三", "学科教师"]])
    people = training.read_roster(roster)
    done = write_roster(tmp_path, [["张伟", "t-crisis-recognition"]], head=("姓名", "单元"), name="done.csv")
    with pytest.raises(training.RosterError) as exc:
        training.read_completions(done, people, content.load())
    assert "第2行：名单里有2位“张伟”（名单第2行、第3行，工号 T001、T002）——请在这一行填写工号" in str(exc.value)


def test_an_unreadable_content_folder_is_an_error(tree, monkeypatch):
    locked = tree.path("lessons/grade-07")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    found = [p for p in content.load(tree.root).problems if p.path == locked]
    assert len(found) == 1 and "the folder cannot be read (Permission denied), so its files are not checked" in found[0].message


def test_an_unreadable_roster_is_one_line(tmp_path, monkeypatch):
    roster = write_roster(tmp_path, PEOPLE)
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied", str(self))))
    with pytest.raises(cli.UserError, match="roster.csv: cannot be read \\(no permission\\) — copy it somewhere you can read"):
        training.read_roster(roster)


@pytest.mark.parametrize("name,payload,words", [
    ("empty.csv", b"", "the file is empty — put the headers"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 60, "this is an old Excel file (.xls) — open it in Excel and save it as .xlsx"),
    ("semicolons.csv", "姓名;角色\n张三;班主任\n".encode("utf-8"), None),
    ("utf16.csv", "姓名,角色\n张三,班主任\n".encode("utf-16"), None),
])
def test_roster_files_of_every_kind(tmp_path, name, payload, words):
    (tmp_path / name).write_bytes(payload)
    before = snapshot(tmp_path)
    run = tool("assign.py", "--roster", tmp_path / name, "--semester", "1", "--out", tmp_path / "out")
    if words is None:
        assert run.returncode == 0, run.stderr
        return
    one_line_error(run, words, "(nothing was written)")
    assert snapshot(tmp_path) == before


def test_out_below_a_file_is_one_line(tmp_path):
    roster = write_roster(tmp_path, PEOPLE)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    before = snapshot(tmp_path)
    one_line_error(tool("assign.py", "--roster", roster, "--semester", "1", "--out", tmp_path / "afile" / "sub"), "afile: is a file, not a folder")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("script,args,words", [
    ("export.py", ["--grade", "7"], "give --lesson ID, or --grade and --semester — run export.py --help"),
    ("plan.py", ["--grade", "x"], "argument --grade: invalid int value: 'x'"),
    ("assign.py", ["--semester", "1", "--out", "x"], "the following arguments are required: --roster"),
    ("export.py", ["--lesson", "g99-nope", "--root", str(ROOT)], "no lesson with id g99-nope — the id is the file name without .md"),
])
def test_wrong_arguments_are_one_line(tmp_path, script, args, words):
    one_line_error(tool(script, *args, cwd=tmp_path), words)
