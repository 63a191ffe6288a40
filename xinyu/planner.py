"""The semester planner: a grade's lessons laid on a school calendar.

A calendar file (data/calendars/*.yml) gives each semester's dates for a set of grades, public
holidays and exam windows. Each lesson's suggested weeks (`weeks:` in its front matter) are the
one schedule: the grade page, the lesson page ("第N课（共M课）"), the semester pack and the plan
all follow them. The planner puts each lesson on the school's lesson weekday (or the next school
day of that week when it is a holiday or an exam day) within its suggested weeks. Suggested
weeks of one grade and semester do not overlap (the checker refuses it), so the order is the
same everywhere. On the default calendar every lesson fits (the checker refuses a lesson that
does not); on a school's own calendar a lesson whose weeks have no lesson day is moved to the
nearest free one and reported, with the reason.

Impossible input raises PlanError naming the problem; nothing is half-planned.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import data
from .content import Item, Library
from .escape import csv_cell
from .paths import DATA

DEFAULT_CALENDAR = DATA / "calendars" / "beijing-2025-2026.yml"
WEEKDAYS_ZH = "一二三四五六日"


class PlanError(ValueError):
    """The calendar or the request cannot give a plan; the message says why."""


@dataclass
class Window:
    name: dict
    kind: str            # midterm | final
    start: dt.date
    end: dt.date
    assumed: bool = False


@dataclass
class Entry:
    date: dt.date
    week: int
    lesson: Item
    note: str = ""


@dataclass
class Plan:
    grade: int
    semester: str
    calendar: str
    start: dt.date
    end: dt.date
    entries: list[Entry] = field(default_factory=list)
    unplaced: list[Item] = field(default_factory=list)    # lessons left without a slot
    moved: list[tuple[Item, str]] = field(default_factory=list)   # placed outside their suggested weeks, and why
    exams: list[Window] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def lessons(self) -> list[Entry]:
        return list(self.entries)


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PlanError(f"{where}: '{value}' is not a date; write it as YYYY-MM-DD") from None


WEEKDAY_NAMES = {f"{prefix}{d}": n for n, d in enumerate("一二三四五", 1) for prefix in ("周", "星期", "礼拜")}
WEEKDAY_NAMES.update({name: n for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"), 1)})


def _weekday(value, path) -> int:
    """lesson_weekday as 1–5: accepts 2, "2", 周二, 星期二, Tuesday."""
    text = str(value).strip()
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    n = WEEKDAY_NAMES.get(text.lower())
    if n:
        return n
    raise PlanError(f"{path}: lesson_weekday is '{value}' — write 1 (周一) to 5 (周五), or 周一 … 周五")


def _bad_date_line(text: str) -> str:
    """Where an impossible date (2026-02-30) stands in a calendar file, for the message."""
    import re
    for n, line in enumerate(text.split("\n"), 1):
        for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", line):
            try:
                dt.date(*map(int, m.groups()))
            except ValueError:
                return f"line {n}: {m.group(0)} is not a date"
    return "a date is impossible"


def load_calendar(path: Path = DEFAULT_CALENDAR) -> dict:
    from .userfiles import UserError, read_text
    try:
        text = read_text(Path(path), "calendar file")
    except UserError as exc:
        raise PlanError(str(exc)) from None
    try:
        cal = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise PlanError(f"{path}: {where}not valid YAML ({getattr(exc, 'problem', None) or exc}) — "
                        "check quotes, colons and indentation; compare with data/calendars/beijing-2025-2026.yml") from None
    except ValueError:      # an unquoted date YAML cannot make, such as 2026-02-30
        raise PlanError(f"{path}: {_bad_date_line(text)} — correct the day (YYYY-MM-DD)") from None
    if cal is None:
        raise PlanError(f"{path}: the calendar is empty — copy data/calendars/beijing-2025-2026.yml and put in your school's dates")
    if not isinstance(cal, dict):
        raise PlanError(f"{path}: a calendar is YAML fields (semesters:, holidays:, exams:) — compare with data/calendars/beijing-2025-2026.yml")
    for key in ("semesters", "holidays", "exams"):
        if cal.get(key) is None:
            cal[key] = []
        if not isinstance(cal[key], list) or not all(isinstance(e, dict) for e in cal[key]):
            raise PlanError(f"{path}: '{key}' must be a list of entries, each starting with '- ' — compare with data/calendars/beijing-2025-2026.yml")
    if not cal["semesters"]:
        raise PlanError(f"{path}: the calendar has no semesters — add them under 'semesters:' (see data/calendars/beijing-2025-2026.yml)")
    cal["lesson_weekday"] = _weekday(cal.get("lesson_weekday", 2), path)
    try:
        cal["every_weeks"] = int(cal.get("every_weeks", 2))
    except (TypeError, ValueError):
        raise PlanError(f"{path}: every_weeks is '{cal.get('every_weeks')}' — write a whole number such as 2") from None
    cal["_path"] = str(path)
    try:
        validate_calendar(cal)
    except PlanError as exc:
        raise PlanError(f"{path}: {exc}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise PlanError(f"{path}: the calendar is not laid out as expected ({exc}) — compare with data/calendars/beijing-2025-2026.yml") from None
    return cal


def _span(entry: dict, where: str) -> tuple[dt.date, dt.date]:
    start, end = _date(entry.get("start"), where + " start"), _date(entry.get("end"), where + " end")
    if end < start:
        raise PlanError(f"{where}: ends on {end} before it starts on {start}")
    return start, end


def _name(entry: dict) -> str:
    n = entry.get("name", "")
    return n.get("zh", "") if isinstance(n, dict) else str(n)


def validate_calendar(cal: dict) -> None:
    """Reject a calendar that cannot be right: overlaps, holidays or exams outside a semester."""
    if not 1 <= int(cal["lesson_weekday"]) <= 5:
        raise PlanError(f"lesson_weekday is {cal['lesson_weekday']}; use 1 (Monday) to 5 (Friday)")
    if int(cal["every_weeks"]) < 1:
        raise PlanError("every_weeks must be 1 or more")
    sems = []
    for i, s in enumerate(cal["semesters"], 1):
        where = f"semester {i} ({s.get('semester')}, grades {s.get('grades')})"
        if s.get("semester") not in ("autumn", "spring"):
            raise PlanError(f"{where}: semester must be autumn or spring")
        bad = [g for g in s.get("grades", []) if g not in data.vocabularies()["grades"]]
        if bad or not s.get("grades"):
            raise PlanError(f"{where}: unknown grade(s) {bad}; grades are 1–12")
        sems.append((s, *_span(s, where)))
    for i, (a, a0, a1) in enumerate(sems):
        for b, b0, b1 in sems[i + 1:]:
            if set(a["grades"]) & set(b["grades"]) and a0 <= b1 and b0 <= a1:
                raise PlanError(f"semesters overlap for grades {sorted(set(a['grades']) & set(b['grades']))}: "
                                f"{a0}–{a1} and {b0}–{b1}")
    hols = []
    for h in cal["holidays"]:
        h0, h1 = _span(h, f"holiday {_name(h)}")
        if not any(h0 <= s1 and s0 <= h1 for _, s0, s1 in sems):
            raise PlanError(f"holiday {_name(h)} ({h0}–{h1}) falls outside every semester; remove it or correct its dates")
        for other, o0, o1 in hols:
            if h0 <= o1 and o0 <= h1:
                raise PlanError(f"holidays overlap: {_name(other)} ({o0}–{o1}) and {_name(h)} ({h0}–{h1})")
        hols.append((h, h0, h1))
    exams = []
    for e in cal["exams"]:
        e0, e1 = _span(e, f"exam {_name(e)}")
        if e.get("kind") not in ("midterm", "final"):
            raise PlanError(f"exam {_name(e)}: kind must be midterm or final")
        for g in e.get("grades", []):
            if not any(g in s["grades"] and s0 <= e0 and e1 <= s1 for s, s0, s1 in sems):
                raise PlanError(f"exam {_name(e)} ({e0}–{e1}) for grade {g} is not inside a grade-{g} semester")
        for other, o0, o1 in exams:
            if set(e.get("grades", [])) & set(other.get("grades", [])) and e0 <= o1 and o0 <= e1:
                raise PlanError(f"exams overlap for grades {sorted(set(e['grades']) & set(other['grades']))}: "
                                f"{_name(other)} ({o0}–{o1}) and {_name(e)} ({e0}–{e1})")
        exams.append((e, e0, e1))


def _semester(cal: dict, grade: int, semester: str) -> tuple[dt.date, dt.date]:
    for s in cal["semesters"]:
        if s["semester"] == semester and grade in s["grades"]:
            return _date(s["start"], "start"), _date(s["end"], "end")
    raise PlanError(f"the calendar has no {semester} semester for grade {grade} — add one under 'semesters:', or plan the other with --semester")


def lesson_days(cal: dict, grade: int, semester: str) -> tuple[list[tuple[int, dt.date]], list[Window]]:
    """(week, date) of every possible lesson day, one per week at most; and the grade's exams."""
    start, end = _semester(cal, grade, semester)
    exams = [Window(e["name"], e["kind"], _date(e["start"], "start"), _date(e["end"], "end"), bool(e.get("assumed")))
             for e in cal["exams"] if grade in e.get("grades", []) and start <= _date(e["start"], "start") <= end]
    exams.sort(key=lambda w: w.start)
    closed = set()
    for h in cal["holidays"]:
        d, last = _date(h["start"], "start"), _date(h["end"], "end")
        while d <= last:
            closed.add(d)
            d += dt.timedelta(days=1)
    for w in exams:
        d = w.start
        while d <= w.end:
            closed.add(d)
            d += dt.timedelta(days=1)
    finals = [w.start for w in exams if w.kind == "final"]
    stop = min(finals) if finals else end + dt.timedelta(days=1)
    monday = start - dt.timedelta(days=start.weekday())
    days = []
    week = 1
    while monday <= end:
        first = monday + dt.timedelta(days=int(cal["lesson_weekday"]) - 1)
        for d in (first + dt.timedelta(days=k) for k in range(0, 5 - first.weekday())):
            if start <= d <= end and d < stop and d not in closed:
                days.append((week, d))
                break
        monday += dt.timedelta(days=7)
        week += 1
    return days, exams


def _range(lesson: Item) -> range:
    """A lesson's suggested weeks as one span (第12–13周 → weeks 12 and 13)."""
    return range(min(lesson.meta.weeks), max(lesson.meta.weeks) + 1)


def overlaps(lessons: list[Item]) -> list[tuple[Item, Item]]:
    """Pairs of lessons of one grade and semester whose suggested weeks overlap (in teaching order)."""
    ordered = sorted(lessons, key=lambda l: (min(l.meta.weeks), l.id))
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if min(b.meta.weeks) <= max(a.meta.weeks)]


def _why_closed(cal: dict, grade: int, semester: str, weeks: range, exams: list[Window]) -> str:
    """Why none of `weeks` has a lesson day: holidays, exams, after the finals, outside the semester."""
    start, end = _semester(cal, grade, semester)
    monday = start - dt.timedelta(days=start.weekday())
    reasons = []
    for w in weeks:
        a = monday + dt.timedelta(weeks=w - 1)
        b = a + dt.timedelta(days=4)
        if a > end:
            reasons.append(f"week {w} is after the semester ends ({end})")
            continue
        finals = [x for x in exams if x.kind == "final" and x.start <= b]
        hits = [window for window in exams if window.start <= b and a <= window.end]
        hols = [_name(h) for h in cal["holidays"] if _date(h["start"], "start") <= b and a <= _date(h["end"], "end")]
        if finals and not hits:
            reasons.append(f"week {w} is after the final exams begin ({finals[0].start})")
        elif hits:
            reasons.append(f"week {w} has {', '.join(window.name['zh'] if isinstance(window.name, dict) else str(window.name) for window in hits)}")
        elif hols:
            reasons.append(f"week {w} is a holiday ({', '.join(hols)})")
        else:
            reasons.append(f"week {w} has no school day from the lesson weekday on")
    return "; ".join(reasons)


def plan(lib: Library, grade: int, semester: str, cal: dict | None = None) -> Plan:
    """Each lesson on the first lesson day within its suggested weeks (one lesson a week at most),
    in teaching order. A lesson whose suggested weeks have no free lesson day on this calendar is
    put on the nearest free day after the lesson before it and reported in `moved` (with the
    reason); a lesson with no free day left at all is listed in `unplaced`. Nothing is dropped."""
    if grade not in data.vocabularies()["grades"]:
        raise PlanError(f"unknown grade {grade!r}; grades are 1–12")
    if semester not in ("autumn", "spring"):
        raise PlanError(f"unknown semester {semester!r}; use autumn or spring")
    cal = cal or data.calendar()          # the school's calendar (SCHOOL=…), else the default
    start, end = _semester(cal, grade, semester)
    lessons = lib.semester_lessons(grade, semester)
    days, exams = lesson_days(cal, grade, semester)
    name = cal.get("name")
    name = name.get("zh", "") if isinstance(name, dict) else str(name or cal.get("_path", ""))
    result = Plan(grade, semester, name, start, end, exams=exams)
    result.assumptions = [f"{w.name['zh'] if isinstance(w.name, dict) else w.name} {w.start}–{w.end}" for w in exams if w.assumed]
    used: set[int] = set()       # weeks with a lesson
    last = 0
    for lesson in lessons:
        weeks = _range(lesson)
        day = next(((w, d) for w, d in days if w in weeks and w not in used), None)
        note = ""
        if day is None:
            later = [(w, d) for w, d in days if w not in used and w > last]
            spare = later or [(w, d) for w, d in days if w not in used]
            if not spare:
                result.unplaced.append(lesson)
                continue
            day = min(spare, key=lambda x: abs(x[0] - weeks.start))
            why = _why_closed(cal, grade, semester, weeks, exams) if not any(w in weeks for w, _ in days) else \
                "the lesson days of those weeks are taken by other lessons"
            result.moved.append((lesson, why))
            note = f"建议第{weeks.start}–{weeks.stop - 1}周在本校历上没有可用课时，已移到第{day[0]}周"
        used.add(day[0])
        last = max(last, day[0])
        result.entries.append(Entry(day[1], day[0], lesson, note))
    result.entries.sort(key=lambda e: e.date)
    return result


# --------------------------------------------------------------------------- outputs

CSV_HEAD = ["周次", "日期", "星期", "课题", "教案编号", "建议周次", "主题", "关键节点", "备注"]


def weeks_text(lesson: Item) -> str:
    w = _range(lesson)
    return f"第{w.start}周" if len(w) == 1 else f"第{w.start}–{w.stop - 1}周"


def to_csv(p: Plan) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel opens the Chinese correctly."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEAD)
    for e in p.entries:
        l = e.lesson
        w.writerow([e.week, e.date.isoformat(), "周" + WEEKDAYS_ZH[e.date.weekday()], csv_cell(l.meta.title), l.id, weeks_text(l),
                    "、".join(data.label("topics", t) for t in l.meta.topics),
                    data.label("moments", l.meta.moment) if l.meta.moment else "", e.note])
    for l in p.unplaced:
        w.writerow(["", "", "", csv_cell(l.meta.title), l.id, weeks_text(l), "、".join(data.label("topics", t) for t in l.meta.topics), "",
                    "本学期课时不足，未排入：可在班团队会或课后服务时间使用"])
    if p.assumptions:
        w.writerow([])
        w.writerow(["说明", "考试日期为默认假设，请按本校校历修改：" + "；".join(p.assumptions)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_ics(p: Plan) -> bytes:
    from icalendar import Calendar, Event
    cal = Calendar()
    cal.add("prodid", "-//xinyu//semester planner//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{data.label('grades', p.grade)}{data.label('semesters', p.semester)}心理课")
    stamp = dt.datetime.combine(p.start, dt.time(0, 0), tzinfo=dt.timezone.utc)
    for e in p.lessons:
        ev = Event()
        ev.add("uid", f"{e.date.isoformat()}-{e.lesson.id}@xinyu")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e.date)
        ev.add("dtend", e.date + dt.timedelta(days=1))
        ev.add("summary", f"心理课：{e.lesson.meta.title}")
        ev.add("description", f"{e.lesson.meta.summary}\n教案编号：{e.lesson.id}；第{e.week}周；{min(e.lesson.meta.duration, data.period_minutes(p.grade))}分钟")
        ev.add("categories", ["心理课"])
        cal.add_component(ev)
    return cal.to_ical()
