"""Learning paths and the training coordinator's tool: who takes which unit this semester,
sign-in sheets to print, and who still lacks which required unit.

A roster is a CSV or Excel file with Chinese headers: 姓名 and 角色 are required (several roles
separated by 、 or ，), 工号 and 部门 are optional. A completion file has 姓名 (and 工号 if the
roster has it) and 单元 (the unit's id or its Chinese title). Everything runs on the
coordinator's own machine; nothing is sent anywhere.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path


from . import data
from .content import Item, Library, Problem
from .escape import csv_cell
from .paths import DATA



@data.cached
def roster_rules() -> dict:
    """data/assign.yml: the headers, the role separator and every message of the roster check."""
    return data.load_yaml("assign.yml")


def message(key: str, **kw) -> str:
    return roster_rules()["messages"][key].format(**kw)


class RosterError(ValueError):
    """The roster or completion file has rows that cannot be used; the message lists them."""

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(f"{path}: {problems[0]}" if len(problems) == 1 else f"{path}: {len(problems)} rows cannot be used:\n" + "\n".join(problems))
        self.path, self.problems = path, problems


@dataclass
class Person:
    row: int
    name: str
    staff_id: str
    roles: list[str]                      # role codes, all-staff always included
    department: str = ""

    @property
    def key(self) -> str:
        return self.staff_id or self.name


@dataclass
class Assignment:
    person: Person
    units: list[Item] = field(default_factory=list)


# --------------------------------------------------------------------------- learning paths

@data.cached
def paths_file() -> dict:
    return data.load_yaml("learning-paths.yml")


def path_units(role: str, semester: int) -> list[str]:
    """Unit ids of one role's path in semester 1–6."""
    return list(paths_file()["paths"].get(role, [[]] * 6)[semester - 1])


def units_for(roles: list[str], semester: int) -> list[str]:
    ids = []
    for role in ["all-staff"] + [r for r in roles if r != "all-staff"]:
        ids += [u for u in path_units(role, semester) if u not in ids]
    return ids


def check_paths(lib: Library) -> list[Problem]:
    """The learning paths refer to real units, cover six semesters, and the core topics recur."""
    path = DATA / "learning-paths.yml"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    cfg = paths_file()
    units = {u.id: u for u in lib.training}
    out = []

    def line_of(needle: str) -> int:
        return next((n for n, t in enumerate(lines, 1) if needle in t), 1)

    roles = data.vocabularies()["roles"]
    for role, sems in cfg["paths"].items():
        if role not in roles:
            out.append(Problem(path, line_of(f"{role}:"), f"unknown role '{role}'", f"use one of {', '.join(roles)}", rule="paths"))
            continue
        if len(sems) != len(cfg["semesters"]):
            out.append(Problem(path, line_of(f"{role}:"), f"the {role} path has {len(sems)} semesters, not {len(cfg['semesters'])}",
                               "give one list per semester (an empty list [] is allowed for roles other than all-staff)", rule="paths"))
        for n, ids in enumerate(sems, 1):
            for uid in ids:
                if uid not in units:
                    out.append(Problem(path, line_of(uid), f"the {role} path names unit '{uid}', which does not exist",
                                       "write the unit in training/ or correct the id", rule="paths"))
                elif role != "all-staff" and role not in units[uid].meta.roles:
                    out.append(Problem(path, line_of(uid), f"unit '{uid}' is in the {role} path but is not written for that role",
                                       f"add {role} to the unit's roles, or move it", rule="paths"))
    staff = cfg["paths"].get("all-staff", [])
    for n, ids in enumerate(staff, 1):
        if not any(uid in units and "all-staff" in units[uid].meta.roles for uid in ids):
            out.append(Problem(path, line_of("all-staff:"), f"semester {n} has no unit for all staff",
                               "the plan asks for all-staff training every semester (一(二)2)", rule="paths"))
    for topic in cfg.get("core_topics", []):
        sems = {n for n, ids in enumerate(staff, 1) for uid in ids if uid in units and topic in units[uid].meta.topics}
        if len(sems) < 2:
            out.append(Problem(path, line_of("core_topics"), f"core topic '{topic}' comes up in {len(sems)} semester(s) of the all-staff path",
                               "give it a unit in at least two semesters so that it recurs", rule="paths"))
    return out


# --------------------------------------------------------------------------- reading files

def _xlsx_rows(path: Path) -> list[list[str]]:
    """The first sheet's rows; a merged cell's value fills every cell of its range (a department
    written once for several people counts for each of them)."""
    import zipfile
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        kind = "a CSV or text file renamed" if path.read_bytes()[:2] != b"PK" else "damaged or not an Excel workbook"
        raise RosterError(path, [f"the file is {kind} .xlsx — open it in Excel and save it as Excel workbook (.xlsx) or as CSV (UTF-8)"]) from None
    ws = wb.worksheets[0]
    for merged in list(ws.merged_cells.ranges):
        value = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        for row in ws.iter_rows(min_row=merged.min_row, max_row=merged.max_row, min_col=merged.min_col, max_col=merged.max_col):
            for c in row:
                c.value = value
    rows = [["" if c is None else str(c).strip() for c in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _rows(path: Path) -> list[list[str]]:
    """The rows of a CSV (UTF-8, with or without BOM; or GB18030 as Excel saves it; commas or
    tabs between columns) or XLSX file."""
    from .userfiles import read_bytes
    raw = read_bytes(path, "roster file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if path.suffix.lower() == ".xls" or raw[:4] == b"\xd0\xcf\x11\xe0":
        raise RosterError(path, ["this is an old Excel file (.xls) — open it in Excel and save it as .xlsx or as CSV (UTF-8)"])
    if raw[:2] == b"PK":
        raise RosterError(path, ["this is an Excel workbook with another name — rename it to .xlsx, or save it as CSV (UTF-8)"])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raw_text = raw.decode("utf-16")
    else:
        raw_text = None
    for enc in ("utf-8-sig", "gb18030"):
        if raw_text is not None:
            text = raw_text
            break
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(path, [message("not_text")])
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first.count)     # Excel saves commas; some tools tabs or semicolons
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _role_codes() -> dict[str, str]:
    table = {}
    for code, entry in data.vocabularies()["roles"].items():
        for name in [entry["zh"], *entry.get("aliases", [])]:
            table[name] = code
    return table


def read_roster(path: Path) -> list[Person]:
    return roster_from_rows(_rows(Path(path)), path)


def roster_from_rows(rows: list[list[str]], path="roster") -> list[Person]:
    """People from a roster's rows (the first is the header). The coordinator's page does the
    same in the browser with the same rules and messages (rules(), docs/assets/javascripts/assign.js)."""
    cfg = roster_rules()
    h = cfg["headers"]
    split = re.compile(cfg["role_split"])
    joiner = cfg["roles_joiner"]
    if not rows:
        raise RosterError(path, [message("empty")])
    head = [c.strip() for c in rows[0]]
    missing = [x for x in (h["name"], h["roles"]) if x not in head]
    if missing:
        raise RosterError(path, [message("missing_headers", missing="”“".join(missing))])
    col = {key: head.index(h[key]) for key in ("name", "roles", "staff_id", "department") if h[key] in head}
    codes = _role_codes()
    known = joiner.join(e["zh"] for e in data.vocabularies()["roles"].values())
    people, problems, seen = [], [], {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row):
            continue
        cell = lambda key: str(row[col[key]]).strip() if key in col and col[key] < len(row) else ""
        name, roles_text = cell("name"), cell("roles")
        if not name:
            problems.append(message("no_name", row=n))
            continue
        if not roles_text:
            problems.append(message("no_role", row=n, name=name, known=known))
            continue
        roles, bad = ["all-staff"], []
        for r in filter(None, split.split(roles_text)):
            if r in codes:
                if codes[r] not in roles:
                    roles.append(codes[r])
            else:
                bad.append(r)
        if bad:
            problems.append(message("unknown_role", row=n, name=name, roles=joiner.join(bad), known=known))
            continue
        person = Person(n, name, cell("staff_id"), roles, cell("department"))
        if person.key in seen:
            problems.append(message("duplicate", row=n, name=name, first=seen[person.key]))
            continue
        seen[person.key] = n
        people.append(person)
    if problems:
        raise RosterError(path, problems)
    if not people:
        raise RosterError(path, [message("nobody")])
    return people


def rules(lib: Library) -> dict:
    """Everything the coordinator's page needs to do what scripts/assign.py does, as data: the
    roster rules and messages (data/assign.yml), the six semesters and each role's path
    (data/learning-paths.yml), the role names and aliases, and each unit's title and hours."""
    cfg = paths_file()
    roles = {code: {"zh": e["zh"], "en": e.get("en", e["zh"]), "names": [e["zh"], *e.get("aliases", [])]}
             for code, e in data.vocabularies()["roles"].items()}
    units = {u.id: {"zh": u.meta.title, "en": u.meta.title_en or u.meta.title, "hours": u.meta.hours, "uri": u.src_uri}
             for u in lib.training}
    school = data.profile()
    start = getattr(school, "training_start", None) if school else None
    return {"roster": roster_rules(), "semesters": cfg["semesters"], "paths": cfg["paths"], "roles": roles, "units": units,
            "start": start}


def roster_template() -> bytes:
    """The roster to fill in (Excel): the header row, an example row to overwrite, and the role
    names as a drop-down in the 角色 column (several roles may still be typed, separated by 、)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    h = roster_rules()["headers"]
    wb = Workbook()
    ws = wb.active
    ws.title = "教职工名单"
    ws.append([h["name"], h["staff_id"], h["department"], h["roles"]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E0F2F1")
    for col, width in zip("ABCD", (12, 12, 16, 28)):
        ws.column_dimensions[col].width = width
    names = [e["zh"] for e in data.vocabularies()["roles"].values()]
    dv = DataValidation(type="list", formula1='"' + ",".join(names) + '"', allow_blank=True,
                        showErrorMessage=False, showInputMessage=True,
                        promptTitle=h["roles"], prompt="从列表中选一个角色；有几个角色时直接输入，用顿号隔开，如：班主任、学科教师")
    ws.add_data_validation(dv)
    dv.add("D2:D1000")
    ws.freeze_panes = "A2"
    import io as _io
    buf = _io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_completions(path: Path, people: list[Person], lib: Library) -> dict[str, set[str]]:
    """Completed unit ids per person key."""
    rows = _rows(Path(path))
    if not rows or "姓名" not in rows[0] or "单元" not in rows[0]:
        raise RosterError(path, ["第1行：表头应包括 姓名、单元（单元编号或名称），可选 工号、完成日期"])
    head = rows[0]
    col = {h: head.index(h) for h in ("姓名", "单元", "工号") if h in head}
    by_title = {u.meta.title: u.id for u in lib.training} | {u.id: u.id for u in lib.training}
    by_key = {p.key: p for p in people}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(p.name, []).append(p)
    done: dict[str, set[str]] = {}
    problems = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        cell = lambda h: row[col[h]].strip() if h in col and col[h] < len(row) else ""
        person = by_key.get(cell("工号")) if cell("工号") else None
        namesakes = by_name.get(cell("姓名"), [])
        if person is None and len(namesakes) > 1:
            rows_text = "、".join(f"第{p.row}行" for p in namesakes)
            problems.append(f"第{n}行：名单里有{len(namesakes)}位“{cell('姓名')}”（名单{rows_text}，工号 {'、'.join(p.staff_id or '无' for p in namesakes)}）——请在这一行填写工号")
            continue
        person = person or (namesakes[0] if namesakes else None)
        unit = by_title.get(cell("单元"))
        if person is None:
            problems.append(f"第{n}行：名单里没有“{cell('姓名')}”")
        elif unit is None:
            problems.append(f"第{n}行（{cell('姓名')}）：没有叫“{cell('单元')}”的培训单元——请用单元编号（如 t-teacher-self-care）或完整名称")
        else:
            done.setdefault(person.key, set()).add(unit)
    if problems:
        raise RosterError(path, problems)
    return done


# --------------------------------------------------------------------------- outputs

def assign(people: list[Person], lib: Library, semester: int) -> list[Assignment]:
    units = {u.id: u for u in lib.training}
    return [Assignment(p, [units[uid] for uid in units_for(p.roles, semester) if uid in units]) for p in people]


def role_names(person: Person) -> str:
    return roster_rules()["roles_joiner"].join(data.label("roles", r) for r in person.roles if r != "all-staff") or data.label("roles", "all-staff")


def assignments_csv(assignments: list[Assignment], semester: int) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓名", "工号", "部门", "角色", "学期", "培训单元编号", "培训单元", "学时"])
    label = paths_file()["semesters"][semester - 1]["zh"]
    for a in assignments:
        for u in a.units:
            w.writerow([csv_cell(a.person.name), csv_cell(a.person.staff_id), csv_cell(a.person.department), role_names(a.person), label, u.id,
                        csv_cell(u.meta.title), f"{u.meta.hours:g}"])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def sign_in_docx(unit: Item, people: list[Person], semester: int) -> bytes:
    """A sign-in sheet for one unit: the people assigned, with columns to sign."""
    from docx.shared import Cm
    from .export import _para, _runs, _set_cell, _shade, _widths, new_document, to_bytes
    doc = new_document()
    title = _para(doc, "Title")
    sheet = roster_rules()["sign_in"]
    _runs(title, sheet["title"].format(unit=unit.meta.title))
    label = paths_file()["semesters"][semester - 1]["zh"]
    p = doc.add_paragraph()
    _runs(p, sheet["line"].format(semester=label, hours=f"{unit.meta.hours:g}"))
    table = doc.add_table(rows=1 + len(people), cols=5)
    table.style = "Table Grid"
    for i, h in enumerate(sheet["columns"]):
        _set_cell(table.rows[0].cells[i], h, bold=True, center=True)
        _shade(table.rows[0].cells[i])
    for r, person in enumerate(people, start=1):
        cells = table.rows[r].cells
        _set_cell(cells[0], str(r), center=True)
        _set_cell(cells[1], person.name)
        _set_cell(cells[2], "／".join(x for x in (person.department, role_names(person)) if x))
    _widths(table, (Cm(1.3), Cm(3.2), Cm(5.0), Cm(3.5), Cm(3.5)))
    doc.add_paragraph()
    _runs(doc.add_paragraph(), sheet["note"])
    return to_bytes(doc, sheet["title"].format(unit=unit.meta.title))


def outstanding(people: list[Person], lib: Library, semester: int, done: dict[str, set[str]]) -> list[tuple[Person, list[Item]]]:
    """Who still lacks which unit required of them up to and including `semester`."""
    units = {u.id: u for u in lib.training}
    out = []
    for p in people:
        required = []
        for s in range(1, semester + 1):
            required += [uid for uid in units_for(p.roles, s) if uid not in required]
        missing = [units[uid] for uid in required if uid in units and uid not in done.get(p.key, set())]
        if missing:
            out.append((p, missing))
    return out


def outstanding_csv(rows: list[tuple[Person, list[Item]]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓名", "工号", "部门", "角色", "尚未完成的培训单元编号", "尚未完成的培训单元"])
    for person, missing in rows:
        for u in missing:
            w.writerow([csv_cell(person.name), csv_cell(person.staff_id), csv_cell(person.department), role_names(person), u.id, csv_cell(u.meta.title)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
