"""The training coordinator's tool: learning paths, roster checks, assignments, sign-in sheets
and the report of who still lacks a required unit."""
import csv
import io
import subprocess
import sys

import pytest
from docx import Document

from conftest import ROOT, TRAINING
from xinyu import content, training

PATHS = {
    "semesters": [{"zh": f"第{n}学期", "en": f"Semester {n}"} for n in range(1, 7)],
    "core_topics": ["reporting"],
    "paths": {
        "all-staff": [["t-fixture-unit"], ["t-fixture-unit"], ["t-fixture-unit"], ["t-fixture-unit"], ["t-fixture-unit"], ["t-fixture-unit"]],
        "head-teacher": [["t-fixture-homeroom"], [], [], [], [], []],
    },
}


@pytest.fixture
def lib(tree, monkeypatch):
    text = tree.path(TRAINING).read_text(encoding="utf-8")
    text = text.replace("t-fixture-unit", "t-fixture-homeroom").replace("roles: [all-staff]", "roles: [head-teacher]")
    text = text.replace("测试用培训单元：发现与报告", "测试用班主任单元")
    tree.write("training/t-fixture-homeroom.md", text)
    monkeypatch.setattr(training, "paths_file", lambda: PATHS)
    return content.load(tree.root)


def roster(tmp_path, rows, head=("姓名", "工号", "部门", "角色"), name="roster.csv"):
    path = tmp_path / name
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(head)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


def sixty(tmp_path):
    rows = [[f"教师{n:02d}", f"T{n:03d}", "初一年级组" if n % 2 else "初二年级组",
             "班主任、学科教师" if n % 3 == 0 else ("心理教师" if n == 1 else "学科教师")] for n in range(1, 61)]
    return roster(tmp_path, rows)


def test_sixty_people_get_their_units(lib, tmp_path):
    people = training.read_roster(sixty(tmp_path))
    assert len(people) == 60
    assignments = training.assign(people, lib, 1)
    by_name = {a.person.name: [u.id for u in a.units] for a in assignments}
    assert by_name["教师03"] == ["t-fixture-unit", "t-fixture-homeroom"]      # a homeroom teacher
    assert by_name["教师02"] == ["t-fixture-unit"]                            # everyone takes the all-staff unit
    assert training.assign(people, lib, 2)[2].units[0].id == "t-fixture-unit"
    rows = list(csv.reader(io.StringIO(training.assignments_csv(assignments, 1).decode("utf-8-sig"))))
    assert rows[0][:4] == ["姓名", "工号", "部门", "角色"] and len(rows) == 1 + 60 + 20


def test_sign_in_sheet_lists_the_people(lib, tmp_path):
    people = training.read_roster(sixty(tmp_path))[:5]
    doc = Document(io.BytesIO(training.sign_in_docx(lib.get("t-fixture-unit"), people, 1)))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "姓名", "部门／角色", "签到", "签退"]
    assert [r.cells[1].text for r in table.rows[1:]] == [p.name for p in people]


def test_excel_roster(lib, tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "角色"])
    ws.append(["王老师", "班主任"])
    ws.append(["李老师", "干部、学科教师"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    people = training.read_roster(path)
    assert [(p.name, p.roles) for p in people] == [("王老师", ["all-staff", "head-teacher"]),
                                                   ("李老师", ["all-staff", "leader", "subject-teacher"])]


@pytest.mark.parametrize("rows,words", [
    ([["张三", "", "", "班主任"], ["李四", "", "", "校医"]], "第3行（李四）：角色“校医”不认识"),
    ([["张三", "T1", "", "班主任"], ["张三", "T1", "", "学科教师"]], "第3行（张三）：与第2行重复"),
    ([["", "T1", "", "班主任"]], "第2行：没有姓名"),
    ([["张三", "", "", ""]], "第2行（张三）：没有角色"),
])
def test_bad_rosters_are_rejected_with_row_numbers(tmp_path, rows, words):
    with pytest.raises(training.RosterError) as err:
        training.read_roster(roster(tmp_path, rows))
    assert any(words in p for p in err.value.problems), err.value.problems


def test_roster_without_headers(tmp_path):
    with pytest.raises(training.RosterError, match="缺少表头“角色”"):
        training.read_roster(roster(tmp_path, [["张三"]], head=("姓名",)))


def test_outstanding_report(lib, tmp_path):
    people = training.read_roster(roster(tmp_path, [["王老师", "", "", "班主任"], ["李老师", "", "", "学科教师"]]))
    done_path = roster(tmp_path, [["王老师", "t-fixture-unit"], ["李老师", "测试用培训单元：发现与报告"]], head=("姓名", "单元"), name="done.csv")
    done = training.read_completions(done_path, people, lib)
    rows = training.outstanding(people, lib, 1, done)
    assert [(p.name, [u.id for u in units]) for p, units in rows] == [("王老师", ["t-fixture-homeroom"])]
    bad = roster(tmp_path, [["王老师", "不存在的单元"]], head=("姓名", "单元"), name="bad.csv")
    with pytest.raises(training.RosterError, match="没有叫“不存在的单元”的培训单元"):
        training.read_completions(bad, people, lib)


def test_learning_paths_are_checked(lib, monkeypatch):
    assert training.check_paths(lib) == []
    broken = {**PATHS, "paths": {**PATHS["paths"], "all-staff": [["t-nope"]] + PATHS["paths"]["all-staff"][1:]}}
    monkeypatch.setattr(training, "paths_file", lambda: broken)
    messages = [p.message for p in training.check_paths(lib)]
    assert any("names unit 't-nope', which does not exist" in m for m in messages)
    assert any("semester 1 has no unit for all staff" in m for m in messages)
    no_recur = {**PATHS, "core_topics": ["arts"]}
    monkeypatch.setattr(training, "paths_file", lambda: no_recur)
    assert any("core topic 'arts' comes up in 0 semester(s)" in p.message for p in training.check_paths(lib))


def test_cli_writes_everything_or_nothing(tmp_path):
    good = sixty(tmp_path)
    out = tmp_path / "安排"
    run = subprocess.run([sys.executable, str(ROOT / "scripts/assign.py"), "--roster", str(good), "--semester", "1", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (out / "培训安排.csv").exists() and list((out / "签到表").glob("*.docx"))
    bad = roster(tmp_path, [["张三", "", "", "班主任"], ["李四", "", "", "门卫大爷"]], name="bad.csv")
    out2 = tmp_path / "安排2"
    run = subprocess.run([sys.executable, str(ROOT / "scripts/assign.py"), "--roster", str(bad), "--semester", "1", "--out", str(out2)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "第3行（李四）" in run.stderr and "nothing was written" in run.stderr
    assert not out2.exists() and not list(tmp_path.glob(".安排2-*"))
