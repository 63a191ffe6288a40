"""The semester planner: calendars with holidays and a midterm, lessons placed at their key
moments, CSV and .ics that open, and every impossible input refused with a clear message."""
import csv
import datetime as dt
import io
import subprocess
import sys

import pytest
import yaml
from icalendar import Calendar

from conftest import ROOT, make_lesson
from xinyu import content, planner

CALENDAR = {
    "name": {"zh": "测试校历", "en": "Test calendar"},
    "lesson_weekday": 2,
    "every_weeks": 2,
    "semesters": [{"semester": "autumn", "grades": [7, 8], "start": "2025-09-01", "end": "2025-12-26"},
                  {"semester": "spring", "grades": [7, 8], "start": "2026-03-02", "end": "2026-06-26"}],
    "holidays": [{"name": {"zh": "国庆节", "en": "National Day"}, "start": "2025-10-01", "end": "2025-10-08"}],
    "exams": [{"name": {"zh": "期中考试", "en": "Midterm"}, "kind": "midterm", "grades": [7, 8], "start": "2025-11-04", "end": "2025-11-06"},
              {"name": {"zh": "期末考试", "en": "Final"}, "kind": "final", "grades": [7, 8], "start": "2025-12-22", "end": "2025-12-26", "assumed": True}],
}


def calendar(tmp_path, **changes):
    cal = yaml.safe_load(yaml.safe_dump(CALENDAR))
    cal.update(changes)
    path = tmp_path / "calendar.yml"
    path.write_text(yaml.safe_dump(cal, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def grade7(tree):
    tree.path("lessons/grade-07/semester-autumn.md").unlink()
    make_lesson(tree, "g07-au-welcome", 7, "autumn", [1, 2], moment="enrolment")
    make_lesson(tree, "g07-au-friends", 7, "autumn", [3, 4])
    make_lesson(tree, "g07-au-calm-midterm", 7, "autumn", [7, 8], moment="exam-before")
    make_lesson(tree, "g07-au-after-midterm", 7, "autumn", [11], moment="exam-after")
    make_lesson(tree, "g07-au-feelings", 7, "autumn", [13])
    make_lesson(tree, "g07-au-calm-final", 7, "autumn", [15], moment="exam-before")
    tree.template = tree.path("lessons/grade-07/g07-au-fixture-lesson.md").read_text(encoding="utf-8")
    tree.path("lessons/grade-07/g07-au-fixture-lesson.md").rename(tree.root / "fixture-lesson.txt")
    return content.load(tree.root)


def test_lessons_stay_in_their_suggested_weeks(grade7, tmp_path):
    p = planner.plan(grade7, 7, "autumn", planner.load_calendar(calendar(tmp_path)))
    placed = {e.lesson.id: e for e in p.lessons}
    assert len(placed) == 6 and not p.unplaced and not p.moved
    assert placed["g07-au-welcome"].date == dt.date(2025, 9, 2)                 # the first lesson day
    for e in p.entries:
        assert min(e.lesson.meta.weeks) <= e.week <= max(e.lesson.meta.weeks), (e.lesson.id, e.week)
    # the plan's order is the teaching order every page shows
    assert [e.lesson.id for e in p.entries] == [l.id for l in grade7.semester_lessons(7, "autumn")]
    assert placed["g07-au-calm-midterm"].date < dt.date(2025, 11, 4)
    assert p.assumptions == ["期末考试 2025-12-22–2025-12-26"]


def test_no_lesson_on_holidays_exams_or_after_the_final(grade7, tmp_path):
    p = planner.plan(grade7, 7, "autumn", planner.load_calendar(calendar(tmp_path)))
    for e in p.entries:
        assert e.date.weekday() < 5
        assert not dt.date(2025, 10, 1) <= e.date <= dt.date(2025, 10, 8)
        assert not dt.date(2025, 11, 4) <= e.date <= dt.date(2025, 11, 6)
        assert e.date < dt.date(2025, 12, 22)
    weeks = [e.week for e in p.entries]
    assert len(set(weeks)) == len(weeks)                                       # one lesson a week at most


def test_a_lesson_whose_weeks_have_no_lesson_day_is_moved_and_reported(grade7, tmp_path):
    # A school whose midterm falls in weeks 7–8: the exam-before lesson suggested for those weeks
    # goes to the nearest free lesson day, and the plan says so and why.
    exams = [{"name": {"zh": "期中考试", "en": "Midterm"}, "kind": "midterm", "grades": [7], "start": "2025-10-13", "end": "2025-10-24"}]
    p = planner.plan(grade7, 7, "autumn", planner.load_calendar(calendar(tmp_path, exams=exams)))
    assert [l.id for l, _ in p.moved] == ["g07-au-calm-midterm"]
    assert "期中考试" in p.moved[0][1]
    moved = next(e for e in p.entries if e.lesson.id == "g07-au-calm-midterm")
    assert moved.week not in (7, 8) and "没有可用课时" in moved.note
    assert "没有可用课时" in planner.to_csv(p).decode("utf-8-sig")
    assert len(p.lessons) == 6


def test_overlapping_suggested_weeks_are_refused(tree):
    make_lesson(tree, "g07-au-first", 7, "autumn", [4, 5])
    make_lesson(tree, "g07-au-second", 7, "autumn", [5, 6])
    problems = [p for p in tree.check() if p.rule == "schedule"]
    assert any("g07-au-second" in str(p.path) and "overlap g07-au-first's 第4–5周" in p.message for p in problems), problems


def test_weeks_with_no_lesson_day_on_the_default_calendar_are_refused(tree):
    make_lesson(tree, "g07-au-in-the-finals", 7, "autumn", [21])      # 2026-01-19: the final exams
    problems = [p for p in tree.check() if p.rule == "schedule"]
    assert any("g07-au-in-the-finals" in str(p.path) and "no lesson day on the default calendar" in p.message
               and "期末考试" in p.message for p in problems), problems


def test_a_holiday_on_the_lesson_day_moves_it_within_the_week(grade7, tmp_path):
    holidays = [{"name": {"zh": "校庆", "en": "School day off"}, "start": "2025-09-15", "end": "2025-09-17"}]
    p = planner.plan(grade7, 7, "autumn", planner.load_calendar(calendar(tmp_path, holidays=holidays)))
    week3 = [e for e in p.entries if e.week == 3]
    assert week3 and week3[0].date == dt.date(2025, 9, 18)        # Tuesday and Wednesday are off


def test_more_lessons_than_biweekly_days_adds_weekly_days(grade7, tree, tmp_path):
    for n in range(6):
        make_lesson(tree, f"g07-au-extra-{n}", 7, "autumn", [14 + n % 2])
    lib = content.load(tree.root)
    p = planner.plan(lib, 7, "autumn", planner.load_calendar(calendar(tmp_path)))
    assert len(p.lessons) == 12 and not p.unplaced
    assert len({e.date for e in p.entries}) == len(p.entries)


def test_lessons_beyond_every_day_are_listed_not_dropped(grade7, tree, tmp_path):
    for n in range(20):
        make_lesson(tree, f"g07-au-many-{n}", 7, "autumn", [16])
    p = planner.plan(content.load(tree.root), 7, "autumn", planner.load_calendar(calendar(tmp_path)))
    assert p.unplaced and len(p.lessons) + len(p.unplaced) == 26
    assert "本学期课时不足，未排入" in planner.to_csv(p).decode("utf-8-sig")


def test_csv_opens_in_excel_form(grade7, tmp_path):
    p = planner.plan(grade7, 7, "autumn", planner.load_calendar(calendar(tmp_path)))
    raw = planner.to_csv(p)
    assert raw.startswith("\ufeff".encode("utf-8")) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == planner.CSV_HEAD
    assert rows[1][:6] == ["1", "2025-09-02", "周二", "测试用教案：认识新同学", "g07-au-welcome", "第1–2周"]


def test_ics_imports(grade7, tmp_path):
    p = planner.plan(grade7, 7, "autumn", planner.load_calendar(calendar(tmp_path)))
    cal = Calendar.from_ical(planner.to_ics(p))
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == len(p.lessons) == 6
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart") == dt.date(2025, 9, 2)
    assert str(first["summary"]).startswith("心理课：")
    assert len({str(e["uid"]) for e in events}) == 6


@pytest.mark.parametrize("change,words", [
    ({"semesters": CALENDAR["semesters"] + [{"semester": "spring", "grades": [7], "start": "2025-12-01", "end": "2026-02-01"}]}, "semesters overlap"),
    ({"holidays": [{"name": "春节", "start": "2026-02-16", "end": "2026-02-22"}]}, "falls outside every semester"),
    ({"holidays": CALENDAR["holidays"] + [{"name": "又一个", "start": "2025-10-08", "end": "2025-10-09"}]}, "holidays overlap"),
    ({"exams": [{"name": "期中", "kind": "midterm", "grades": [7], "start": "2026-01-05", "end": "2026-01-06"}]}, "is not inside a grade-7 semester"),
    ({"exams": CALENDAR["exams"] + [{"name": "月考", "kind": "midterm", "grades": [8], "start": "2025-11-05", "end": "2025-11-07"}]}, "exams overlap"),
    ({"semesters": [{"semester": "autumn", "grades": [7], "start": "2025-12-01", "end": "2025-09-01"}], "exams": [], "holidays": []}, "before it starts"),
    ({"semesters": [{"semester": "autumn", "grades": [13], "start": "2025-09-01", "end": "2025-12-01"}], "exams": [], "holidays": []}, "unknown grade"),
    ({"lesson_weekday": 6}, "lesson_weekday"),
    ({"semesters": [{"semester": "autumn", "grades": [7], "start": "2025-09-31", "end": "2025-12-01"}], "exams": [], "holidays": []}, "is not a date"),
])
def test_impossible_calendars_are_refused(tmp_path, change, words):
    with pytest.raises(planner.PlanError, match=words):
        planner.load_calendar(calendar(tmp_path, **change))


def test_unknown_grade_and_missing_semester(grade7, tmp_path):
    cal = planner.load_calendar(calendar(tmp_path))
    with pytest.raises(planner.PlanError, match="unknown grade 13"):
        planner.plan(grade7, 13, "autumn", cal)
    with pytest.raises(planner.PlanError, match="no autumn semester for grade 9"):
        planner.plan(grade7, 9, "autumn", cal)


def test_default_calendar_plans_every_grade_of_the_library():
    lib = content.load()
    cal = planner.load_calendar()
    for grade in range(1, 13):
        for sem in ("autumn", "spring"):
            p = planner.plan(lib, grade, sem, cal)
            assert [e.lesson.id for e in p.lessons] == [l.id for l in lib.semester_lessons(grade, sem)]
            assert not p.unplaced and not p.moved, (grade, sem, p.moved)


def test_cli_writes_both_files(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts/plan.py"), "--grade", "8", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for sem in ("autumn", "spring"):
        assert (tmp_path / f"grade-08-{sem}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        Calendar.from_ical((tmp_path / f"grade-08-{sem}.ics").read_bytes())


def test_cli_reports_a_bad_calendar(tmp_path):
    bad = calendar(tmp_path, holidays=[{"name": "春节", "start": "2026-02-16", "end": "2026-02-22"}])
    run = subprocess.run([sys.executable, str(ROOT / "scripts/plan.py"), "--grade", "7", "--calendar", str(bad), "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "falls outside every semester" in run.stderr
    assert not list(tmp_path.glob("*.csv"))


def test_this_week_view_shows_the_same_sequence_and_weeks():
    """The home page's “this week” data: each grade's lessons in the teaching order of the grade
    page, each in a week within its suggested weeks (the same plans as the plan page)."""
    from xinyu import thisweek
    lib = content.load()
    payload = thisweek.build(lib, planner.load_calendar())
    for g, entry in payload["grades"].items():
        for term in entry["terms"]:
            lessons = lib.semester_lessons(int(g), term["semester"])
            shown = [i for i in term["items"] if i["kind"] == "lesson"]
            assert [i["page"] for i in shown] == [l.src_uri[:-3] for l in lessons], (g, term["semester"])
            for item, lesson in zip(shown, lessons):
                assert min(lesson.meta.weeks) <= item["week"] <= max(lesson.meta.weeks), (lesson.id, item["week"])
