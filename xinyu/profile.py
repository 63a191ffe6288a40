"""The school profile: one YAML file that makes the library a school's own.

A profile names the school, its grades, its class lengths, its 心理辅导室, its own contacts (each
checked by someone on a date) and its calendar (the format of data/calendars/). Without one, the
site is the district edition. The rest of the code asks for the active profile through
`data.profile()`, `data.grades()`, `data.period_minutes()` and `data.calendar()`.

    SCHOOL=examples/schools/gaozhong.yml bash scripts/serve.sh

`load(path)` reads and validates a profile and raises ProfileError with every problem as
`path:line: problem — fix`; nothing is built from a bad profile.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import data
from .content import Library, Problem

ENV = "SCHOOL"
FILL_IN = re.compile(r"待填|待补|TODO|TBD|x{3,}", re.I)
EXTENSION = re.compile(r"^分机\s?\d{3,5}$")
NUMBER = re.compile(r"^[\d\s()（）\-]{3,20}$")
ROLES = ("psychology-teacher", "counselling-room", "crisis-lead", "head-teacher", "other", "district")
TOP = ("name", "grades", "class_minutes", "counselling_room", "contacts", "calendar", "parents", "training", "training_start")
CONTACT_KEYS = ("role", "name", "phone", "place", "hours", "answered_by", "district", "verified_by", "verified_on", "note")
ROOM_KEYS = ("place", "hours", "booking", "phone")
CALENDAR_KEYS = ("name", "school_year", "lesson_weekday", "every_weeks", "semesters", "holidays", "exams")


class ProfileError(ValueError):
    """A profile that cannot be used: every problem on its own line, path:line: problem — fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class School:
    path: Path
    name: dict                        # {"zh": …, "en": …}
    grades: list[int]
    class_minutes: dict               # by the `class` key of a stage: primary, junior, senior
    room: dict | None                 # place, hours, booking, phone: each {"zh", "en"}
    contacts: list[dict]
    calendar: dict                    # a planner calendar, checked as data/calendars/ files are
    parents: list[str] = field(default_factory=list)     # parent-module ids or stage codes ([]: all)
    training: list[str] = field(default_factory=list)    # role codes of the learning paths ([]: all)
    training_start: dict | None = None                   # {"year": 2025, "semester": "autumn"}: semester 1 of the paths
    lines: dict = field(default_factory=dict)            # key path → line, for later messages

    def line(self, *path) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


# --------------------------------------------------------------------------- reading with lines

def _compose(text: str, path: Path) -> tuple[object, dict, list[Problem]]:
    """The YAML value, the line of every key and list item, and problems (impossible dates,
    duplicate keys) found while reading."""
    problems: list[Problem] = []
    lines: dict = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(path, mark.line + 1 if mark else 1, f"not valid YAML ({getattr(exc, 'problem', None) or exc})",
                                "check quotes, colons and indentation on this line; compare with examples/schools/"))
        return None, lines, problems
    ctor = yaml.SafeLoader("")

    def build(n, where):
        lines.setdefault(where, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            out = {}
            for k, v in n.value:
                key = ctor.construct_object(k)
                if key in out:
                    problems.append(Problem(path, k.start_mark.line + 1, f"'{key}' is written twice",
                                            "keep one of them: YAML would silently use the last"))
                lines[where + (key,)] = k.start_mark.line + 1
                out[key] = build(v, where + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(v, where + (i,)) for i, v in enumerate(n.value)]
        try:
            return ctor.construct_object(n, deep=True)
        except ValueError:
            problems.append(Problem(path, n.start_mark.line + 1, f"{n.value} is not a date that exists",
                                    "correct the day (YYYY-MM-DD): check the month's last day"))
            return None
    value = build(node, ()) if node is not None else None
    return value, lines, problems


# --------------------------------------------------------------------------- validation

class _Checker:
    def __init__(self, path: Path, lines: dict):
        self.path, self.lines, self.problems = path, lines, []

    def line(self, *where) -> int:
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where, 1)

    def reported(self, where: tuple) -> bool:
        return any(p.line == self.line(*where) for p in self.problems)

    def add(self, where: tuple, message: str, fix: str) -> None:
        self.problems.append(Problem(self.path, self.line(*where), message, fix, rule="profile"))

    def text(self, value, where: tuple, required: bool = True) -> dict | None:
        """A reader-facing text: a string (both languages) or {zh: …, en: …}."""
        if value is None or value == "":
            if required:
                self.add(where, f"'{'.'.join(map(str, where))}' is missing", "write it (a string, or zh: and en:)")
            return None
        if isinstance(value, (str, int)):
            return {"zh": str(value), "en": str(value)}
        if isinstance(value, dict) and value.get("zh"):
            unknown = set(value) - {"zh", "en"}
            if unknown:
                self.add(where, f"unknown language(s) {sorted(unknown)}", "use zh: and en:")
            return {"zh": str(value["zh"]), "en": str(value.get("en") or value["zh"])}
        self.add(where, f"'{'.'.join(map(str, where))}' must be text or zh:/en: text", "write it as  name: 某某中学  or  name: {zh: 某某中学, en: … School}")
        return None

    def unknown(self, value: dict, known, where: tuple) -> None:
        for key in value:
            if key not in known:
                self.add(where + (key,), f"unknown field '{key}'", f"check its spelling; the fields here are {', '.join(known)}")

    def date(self, value, where: tuple) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None:
            return None       # an impossible date was reported while reading
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(where, f"'{value}' is not a date that exists", "write it as YYYY-MM-DD, e.g. 2025-09-01")
            return None


def _fill_in_markers(value, where, chk: _Checker) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _fill_in_markers(v, where + (k,), chk)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _fill_in_markers(v, where + (i,), chk)
    elif isinstance(value, str) and FILL_IN.search(value):
        chk.add(where, f"'{FILL_IN.search(value).group(0)}' is a fill-in marker: this value is not filled in",
                "write the school's real value, or remove the entry")


def _grades(raw, chk: _Checker) -> list[int]:
    known = data.vocabularies()["grades"]
    if not isinstance(raw, list) or not raw:
        chk.add(("grades",), "'grades' must list the school's grades", "write e.g.  grades: [10, 11, 12]  (1–12)")
        return []
    out = []
    for i, g in enumerate(raw):
        if isinstance(g, bool) or not isinstance(g, int) or g not in known:
            chk.add(("grades", i), f"unknown grade {g!r}", "grades are whole numbers 1–12 (1 = 一年级, 7 = 初一, 10 = 高一)")
        elif g in out:
            chk.add(("grades", i), f"grade {g} is listed twice", "list each grade once")
        else:
            out.append(g)
    return sorted(out)


def _class_minutes(raw, grades: list[int], chk: _Checker) -> dict:
    if raw is None:
        return {}
    classes = {st["class"] for st in data.vocabularies()["stages"].values()}
    if not isinstance(raw, dict):
        chk.add(("class_minutes",), "'class_minutes' must give minutes per stage", f"write e.g.  class_minutes: {{primary: 35}}  (keys: {', '.join(sorted(classes))})")
        return {}
    out = {}
    for key, value in raw.items():
        if key not in classes:
            chk.add(("class_minutes", key), f"unknown stage '{key}'", f"use {', '.join(sorted(classes))}")
        elif isinstance(value, bool) or not isinstance(value, int) or not 20 <= value <= 60:
            chk.add(("class_minutes", key), f"class length {value!r} is not a number of minutes from 20 to 60", "write the period's length, e.g. 35")
        else:
            out[key] = value
    return out


def _room(raw, chk: _Checker) -> dict | None:
    if raw is None:
        chk.add(("counselling_room",), "the profile has no counselling_room", "add place:, hours: and booking: of the school's 心理辅导室")
        return None
    if not isinstance(raw, dict):
        chk.add(("counselling_room",), "'counselling_room' must be fields", "write place:, hours: and booking: under it")
        return None
    chk.unknown(raw, ROOM_KEYS, ("counselling_room",))
    room = {k: chk.text(raw.get(k), ("counselling_room", k), required=k != "phone") for k in ROOM_KEYS}
    if raw.get("phone") is not None:
        _phone(raw["phone"], ("counselling_room", "phone"), chk)
        room["phone"] = {"zh": str(raw["phone"]), "en": _phone_en(str(raw["phone"]))}
    return room


def _phone_en(phone: str) -> str:
    return re.sub(r"^分机\s?", "ext. ", phone)


def _phone(value, where, chk: _Checker) -> None:
    text = str(value).strip()
    if not (EXTENSION.match(text) or NUMBER.match(text)):
        chk.add(where, f"'{value}' is neither an extension nor a phone number",
                "write an internal extension as 分机 followed by its digits (分机 2301), or the number in digits")


def _contacts(raw, chk: _Checker) -> list[dict]:
    if raw is None:
        chk.add(("contacts",), "the profile has no contacts", "add the psychology teacher, the 心理辅导室 and the crisis-team lead (see examples/schools/)")
        return []
    if not isinstance(raw, list):
        chk.add(("contacts",), "'contacts' must be a list", "start each contact with '- '")
        return []
    district = {c["id"]: c for c in data.contacts()}
    out = []
    for i, c in enumerate(raw):
        where = ("contacts", i)
        if not isinstance(c, dict):
            chk.add(where, "a contact must be fields (role:, name:, phone:, …)", "see examples/schools/")
            continue
        chk.unknown(c, CONTACT_KEYS, where)
        role = c.get("role")
        if role not in ROLES:
            chk.add(where + ("role",), f"unknown role {role!r}", f"use one of {', '.join(ROLES)}")
        entry = {"role": role}
        if role == "district":
            ref = c.get("district")
            if ref not in district:
                chk.add(where + ("district",), f"'{ref}' is not a contact of data/contacts.yml",
                        "name the district service by its id there, e.g. shijingshan-station")
            else:
                entry["district"] = ref
                entry["name"] = dict(district[ref]["name"])
        if "name" not in entry:
            entry["name"] = chk.text(c.get("name"), where + ("name",))
        if c.get("phone") is None and c.get("place") is None:
            chk.add(where, "the contact has neither phone: nor place:", "write its extension (分机 2301) or where to find it")
        if c.get("phone") is not None:
            _phone(c["phone"], where + ("phone",), chk)
            entry["phone"] = {"zh": str(c["phone"]).strip(), "en": _phone_en(str(c["phone"]).strip())}
        for key in ("place", "note"):
            entry[key] = chk.text(c.get(key), where + (key,), required=False)
        entry["hours"] = chk.text(c.get("hours"), where + ("hours",))
        entry["answered_by"] = chk.text(c.get("answered_by"), where + ("answered_by",))
        if not c.get("verified_by"):
            chk.add(where + ("verified_by",) if "verified_by" in c else where, "the contact is not marked verified_by",
                    "write who checked it (e.g. 德育处 王老师) in verified_by:, and when in verified_on:")
        if "verified_on" in c and c["verified_on"] is None and chk.reported(where + ("verified_on",)):
            pass        # an impossible date, already said
        elif not c.get("verified_on"):
            chk.add(where + ("verified_on",) if "verified_on" in c else where, "the contact is not marked verified_on",
                    "write the date it was checked (YYYY-MM-DD) in verified_on:")
        else:
            day = chk.date(c["verified_on"], where + ("verified_on",))
            if day and day > dt.date.today():
                chk.add(where + ("verified_on",), f"verified_on {day} is in the future", "write the day it was checked")
        entry["verified_by"], entry["verified_on"] = c.get("verified_by"), c.get("verified_on")
        out.append(entry)
    return out


def _calendar(raw, grades: list[int], chk: _Checker, path: Path, grades_ok: bool = True) -> dict | None:
    """The school's calendar in the format of data/calendars/, checked like them, with lines."""
    from . import planner
    w = ("calendar",)
    if raw is None:
        chk.add(w, "the profile has no calendar", "copy data/calendars/beijing-2025-2026.yml under 'calendar:' and put in the school's dates")
        return None
    if not isinstance(raw, dict):
        chk.add(w, "'calendar' must be fields (semesters:, holidays:, exams:)", "compare with data/calendars/beijing-2025-2026.yml")
        return None
    chk.unknown(raw, CALENDAR_KEYS, w)
    cal = dict(raw)
    before = len(chk.problems)
    for key in ("semesters", "holidays", "exams"):
        if cal.get(key) is None:
            cal[key] = []
        if not isinstance(cal[key], list) or not all(isinstance(e, dict) for e in cal[key]):
            chk.add(w + (key,), f"'{key}' must be a list of entries", "start each entry with '- ' (see data/calendars/beijing-2025-2026.yml)")
            return None
    if not cal["semesters"]:
        chk.add(w, "the calendar has no semesters", "list the school's terms under 'semesters:'")
    spans = {}
    for key in ("semesters", "holidays", "exams"):
        for i, e in enumerate(cal[key]):
            a, b = chk.date(e.get("start"), w + (key, i, "start")), chk.date(e.get("end"), w + (key, i, "end"))
            if e.get("start") is None or e.get("end") is None:
                chk.add(w + (key, i), f"the {key[:-1]} needs start: and end:", "write both dates as YYYY-MM-DD")
            if a and b and b < a:
                chk.add(w + (key, i, "end"), f"ends on {b} before it starts on {a}", "swap or correct the dates")
            spans[(key, i)] = (a, b)
            for g in e.get("grades", []) if key != "holidays" and grades_ok else []:
                if g not in grades:
                    chk.add(w + (key, i, "grades"), f"grade {g!r} is not one of the school's grades {grades}",
                            "remove it here, or add it to 'grades:' at the top")
    for i, s in enumerate(cal["semesters"]):
        if s.get("semester") not in ("autumn", "spring"):
            chk.add(w + ("semesters", i, "semester"), f"semester {s.get('semester')!r} is neither autumn nor spring", "write autumn or spring")
        if not s.get("grades"):
            chk.add(w + ("semesters", i), "the semester names no grades", "add  grades: [...]")
    # Terms of the same grades may not overlap.
    sems = cal["semesters"]
    for i, a in enumerate(sems):
        for j in range(i + 1, len(sems)):
            b = sems[j]
            (a0, a1), (b0, b1) = spans.get(("semesters", i), (None, None)), spans.get(("semesters", j), (None, None))
            common = set(a.get("grades") or []) & set(b.get("grades") or [])
            if None not in (a0, a1, b0, b1) and common and a0 <= b1 and b0 <= a1:
                chk.add(w + ("semesters", j), f"this term ({b0}–{b1}) overlaps the term on line {chk.line(*w, 'semesters', i)} "
                        f"({a0}–{a1}) for grade(s) {sorted(common)}", "correct the dates: one term ends before the next starts")
    for g in grades if grades_ok else []:
        for sem in ("autumn", "spring"):
            if not any(s.get("semester") == sem and g in (s.get("grades") or []) for s in sems):
                chk.add(w + ("semesters",), f"no {sem} term for grade {g}", f"add grade {g} to an {sem} term")
    if len(chk.problems) > before:
        return None
    # Then the checks every calendar gets (holidays and exams inside terms, no overlaps …).
    try:
        cal["lesson_weekday"] = planner._weekday(cal.get("lesson_weekday", 2), path)
        cal["every_weeks"] = int(cal.get("every_weeks", 2))
        cal.setdefault("name", {"zh": "", "en": ""})
        cal["_path"] = str(path)
        planner.validate_calendar(cal)
    except planner.PlanError as exc:
        message = str(exc).removeprefix(f"{path}: ")
        where = w
        for key in ("holidays", "exams"):
            for i, e in enumerate(cal[key]):
                if planner._name(e) and planner._name(e) in message:
                    where = w + (key, i)
                    break
            if where != w:
                break
        chk.add(where, message, "correct the calendar (compare with data/calendars/beijing-2025-2026.yml)")
        return None
    except (TypeError, ValueError) as exc:
        chk.add(w, f"the calendar is not laid out as expected ({exc})", "compare with data/calendars/beijing-2025-2026.yml")
        return None
    if not isinstance(cal.get("name"), dict):
        cal["name"] = {"zh": str(cal["name"]), "en": str(cal["name"])}
    return cal


def _training_start(raw, chk: _Checker) -> dict | None:
    """The school year and semester in which staff began the three-year learning paths."""
    if raw is None:
        return None
    fix = "write e.g.  training_start: {year: 2025, semester: autumn}  (the term staff began semester 1 of the paths)"
    if not isinstance(raw, dict) or set(raw) != {"year", "semester"}:
        chk.add(("training_start",), "'training_start' needs year and semester", fix)
        return None
    year, sem = raw["year"], raw["semester"]
    if not isinstance(year, int) or not 2020 <= year <= 2100:
        chk.add(("training_start", "year"), f"training_start year {year!r} is not a school year", fix)
        return None
    if sem not in ("autumn", "spring"):
        chk.add(("training_start", "semester"), f"training_start semester {sem!r} is not autumn or spring", fix)
        return None
    return {"year": year, "semester": sem}


def _choices(raw, key: str, known: set, chk: _Checker) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        chk.add((key,), f"'{key}' must be a list", f"write e.g.  {key}: [...]  or leave it out to use all")
        return []
    for i, v in enumerate(raw):
        if v not in known:
            chk.add((key, i), f"unknown {key} entry {v!r}", "use an id or code the library has (see the IT page)")
    return [str(v) for v in raw]


def load(path: Path) -> School:
    """Read and check a profile; ProfileError lists every problem (path:line: problem — fix)."""
    from .userfiles import UserError, read_text
    path = Path(path)
    try:
        text = read_text(path, "school profile")
    except UserError as exc:
        raise ProfileError([Problem(path, 1, str(exc).removeprefix(f"{path}: ").split(" — ")[0],
                                    "give the path of the school's profile (see examples/schools/)")]) from None
    value, lines, problems = _compose(text, path)
    chk = _Checker(path, lines)
    chk.problems = problems
    if value is None and not problems:
        chk.add((), "the profile is empty", "copy examples/schools/gaozhong.yml and fill it in")
    if not isinstance(value, dict):
        if not chk.problems:
            chk.add((), "a profile is YAML fields (name:, grades:, …)", "copy examples/schools/gaozhong.yml and fill it in")
        raise ProfileError(chk.problems)
    _fill_in_markers(value, (), chk)
    chk.unknown(value, TOP, ())
    name = chk.text(value.get("name"), ("name",))
    before = len(chk.problems)
    grades = _grades(value.get("grades"), chk)
    grades_ok = len(chk.problems) == before
    minutes = _class_minutes(value.get("class_minutes"), grades, chk)
    room = _room(value.get("counselling_room"), chk)
    contacts = _contacts(value.get("contacts"), chk)
    cal = _calendar(value.get("calendar"), grades, chk, path, grades_ok)
    stages = set(data.vocabularies()["stages"]) | {"all"}
    parents = _choices(value.get("parents"), "parents", stages | _parent_ids(), chk)
    training = _choices(value.get("training"), "training", set(data.vocabularies()["roles"]), chk)
    start = _training_start(value.get("training_start"), chk)
    if chk.problems:
        raise ProfileError(sorted(chk.problems, key=lambda p: p.line))
    return School(path, name, grades, minutes, room, contacts, cal, parents, training, start, lines)


def _parent_ids() -> set[str]:
    from .paths import CONTENT_DIRS
    return {p.stem for p in CONTENT_DIRS["parent"].glob("*.md") if not p.name.endswith(".en.md")}


def active_path() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


# --------------------------------------------------------------------------- using it

def restrict(lib: Library, school: School | None) -> Library:
    """The library a school's site shows: lessons, 班会微课 and overviews of its grades; the parent
    modules it chose (all when it chose none). The checker has seen the whole library first."""
    if school is None:
        return lib
    keep_parents = set(school.parents)
    def wanted(item) -> bool:
        if item.kind in ("lesson", "classmeeting", "overview"):
            return item.meta.grade in school.grades
        if item.kind == "parent" and keep_parents:
            return item.id in keep_parents or item.meta.stage in keep_parents
        return True
    out = Library(items=[i for i in lib.items if wanted(i)], problems=lib.problems, downloads=lib.downloads, root=lib.root)
    return out


def absent_pages(full: Library, shown: Library) -> set[str]:
    kept = {i.src_uri for i in shown.items}
    return {i.src_uri for i in full.items if i.src_uri not in kept}


def plan_problems(school: School, lib: Library) -> list[Problem]:
    """Each of the school's grades planned on its calendar: a calendar that leaves a grade's
    lessons without lesson days is a problem of the profile, said at its calendar line."""
    from . import planner
    out = []
    shown = restrict(lib, school)
    for g in school.grades:
        for sem in ("autumn", "spring"):
            try:
                p = planner.plan(shown, g, sem, school.calendar)
            except planner.PlanError as exc:
                message, _, fix = str(exc).partition(" — ")
                out.append(Problem(school.path, school.line("calendar"), message,
                                   fix or "give the grade more teaching weeks, lower every_weeks or check the exam dates", rule="profile"))
                continue
            # Lessons moved out of their suggested weeks are shown on the plan with the reason;
            # lessons with no lesson day left at all are a problem of the calendar.
            if p.unplaced:
                out.append(Problem(school.path, school.line("calendar"),
                                   f"grade {g} {sem}: no lesson day left for {', '.join(l.id for l in p.unplaced)} "
                                   f"(the calendar gives {len(p.entries)} lesson day(s) for {len(p.entries) + len(p.unplaced)} lessons)",
                                   "give the grade more teaching weeks or check the exam dates", rule="profile"))
    return out


def fit(item, minutes: int) -> tuple[list, list]:
    """The steps of a lesson taught in a shorter period: (kept, left out). The 核心 steps are kept
    in order while they fit; every 可选 step and any 核心 step that no longer fits is left out."""
    kept, out, used = [], [], 0
    for step in item.steps:
        if step.role == "核心" and used + (step.minutes or 0) <= minutes:
            kept.append(step)
            used += step.minutes or 0
        else:
            out.append(step)
    return kept, out


def shortened(item) -> int | None:
    """The school's period when it is shorter than the lesson (None: the lesson fits)."""
    if item.kind != "lesson":
        return None
    period = data.period_minutes(item.meta.grade)
    return period if period < item.meta.duration else None
