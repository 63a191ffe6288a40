"""The school edition (issue 21): the school profile, its checks with path:line and the fix, and
what a profile changes in the pages, plans and exports (without MkDocs)."""
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from xinyu import content, data, planner, profile, site, thisweek

GAOZHONG = ROOT / "examples/schools/gaozhong.yml"
YIGUAN = ROOT / "examples/schools/yiguan.yml"


@pytest.fixture
def school(monkeypatch):
    """Make a profile the active one (as SCHOOL=… does for the build); forget it afterwards."""
    def use(path):
        monkeypatch.setenv("SCHOOL", str(path))
        data.reload()
        return data.profile()
    yield use
    monkeypatch.delenv("SCHOOL", raising=False)
    data.reload()


@pytest.fixture(scope="module")
def lib():
    return content.load()


def broken(tmp_path, old: str, new: str, source: Path = GAOZHONG) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    p = tmp_path / "school.yml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def refused(path: Path) -> list[str]:
    with pytest.raises(profile.ProfileError) as err:
        profile.load(path)
    lines = str(err.value).split("\n")
    for line in lines:
        assert re.match(rf"^{re.escape(str(path))}:\d+: .+ — .+$", line), line
    return lines


def line_of(path: Path, text: str) -> int:
    return next(n for n, l in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in l)


# ----------------------------------------------------------------------- the profile and its checks

@pytest.mark.parametrize("path", [GAOZHONG, YIGUAN])
def test_example_profiles_load(path):
    s = profile.load(path)
    assert s.name["zh"] and s.name["en"] and s.room and s.contacts
    assert all(c["verified_by"] and c["verified_on"] for c in s.contacts)


def test_example_profiles_are_the_two_kinds_the_issue_asks_for():
    gz, yg = profile.load(GAOZHONG), profile.load(YIGUAN)
    assert gz.grades == [10, 11, 12]
    assert yg.grades == list(range(1, 10)) and yg.class_minutes["primary"] == 35


@pytest.mark.parametrize("path", [GAOZHONG, YIGUAN])
def test_example_contacts_are_extensions_and_rooms_never_an_outside_number(path):
    s = profile.load(path)
    phones = [c["phone"]["zh"] for c in s.contacts if c.get("phone")] + ([s.room["phone"]["zh"]] if s.room.get("phone") else [])
    assert phones and all(re.fullmatch(r"分机 \d{4}", p) for p in phones), phones
    text = path.read_text(encoding="utf-8")
    # no other run of digits that could be dialled (dates, times and room numbers are shorter or dashed)
    assert not re.search(r"(?<![\d\-:])\d{5,}(?![\d\-:])", text)


def test_impossible_date_is_refused_with_its_line(tmp_path):
    p = broken(tmp_path, "start: 2026-03-02, end: 2026-07-14", "start: 2026-02-30, end: 2026-07-14")
    lines = refused(p)
    n = line_of(p, "2026-02-30")
    assert any(l.startswith(f"{p}:{n}: 2026-02-30 is not a date that exists — correct the day") for l in lines), lines


def test_quoted_impossible_date_is_refused_too(tmp_path):
    p = broken(tmp_path, "verified_on: 2025-09-01", "verified_on: '2025-06-31'")
    lines = refused(p)
    assert any(f":{line_of(p, '2025-06-31')}:" in l and "not a date" in l for l in lines), lines


def test_overlapping_terms_are_refused_with_the_line_of_the_second(tmp_path):
    p = broken(tmp_path, "{semester: spring, grades: [10, 11, 12], start: 2026-03-02",
               "{semester: spring, grades: [10, 11, 12], start: 2026-01-12")
    lines = refused(p)
    n = line_of(p, "start: 2026-01-12")
    assert any(l.startswith(f"{p}:{n}: this term") and "overlaps" in l for l in lines), lines


def test_unknown_grade_is_refused(tmp_path):
    p = broken(tmp_path, "grades: [10, 11, 12]\n", "grades: [10, 11, 13]\n")
    lines = refused(p)
    assert any(l.startswith(f"{p}:{line_of(p, 'grades: [10, 11, 13]')}: unknown grade 13 — grades are whole numbers 1–12") for l in lines), lines


def test_calendar_grade_the_school_does_not_have_is_refused(tmp_path):
    p = broken(tmp_path, "kind: final, grades: [12], start: 2026-06-07", "kind: final, grades: [9, 12], start: 2026-06-07")
    lines = refused(p)
    assert any(f":{line_of(p, 'grades: [9, 12]')}: grade 9 is not one of the school's grades" in l for l in lines), lines


@pytest.mark.parametrize("key", ["verified_by", "verified_on"])
def test_unverified_contact_is_refused(tmp_path, key):
    text = GAOZHONG.read_text(encoding="utf-8")
    p = tmp_path / "school.yml"
    first = text.index(f"    {key}:")
    end = text.index("\n", first) + 1
    p.write_text(text[:first] + text[end:], encoding="utf-8")
    lines = refused(p)
    assert any(f"the contact is not marked {key}" in l for l in lines), lines
    assert any(f":{line_of(p, '- role: psychology-teacher')}:" in l for l in lines), lines


def test_verified_in_the_future_is_refused(tmp_path):
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    p = broken(tmp_path, "verified_on: 2025-09-01", f"verified_on: {later}")
    assert any("is in the future" in l for l in refused(p))


@pytest.mark.parametrize("marker", ["待填", "TODO", "xxx", "分机 XXXX"])
def test_fill_in_markers_are_refused(tmp_path, marker):
    p = broken(tmp_path, "phone: 分机 3302", f"phone: {marker}")
    lines = refused(p)
    assert any(f":{line_of(p, f'phone: {marker}')}:" in l and "fill-in marker" in l for l in lines), lines


def test_unknown_field_and_bad_yaml_are_one_line_each(tmp_path):
    p = broken(tmp_path, "grades: [10, 11, 12]\n", "grades: [10, 11, 12]\ngrade_list: [10]\n")
    assert any("unknown field 'grade_list'" in l for l in refused(p))
    p.write_text("name: [unclosed\n", encoding="utf-8")
    assert any("not valid YAML" in l for l in refused(p))


def test_holiday_outside_the_terms_is_refused_at_its_line(tmp_path):
    p = broken(tmp_path, "{name: {zh: 秋季运动会, en: Sports days}, start: 2025-10-22, end: 2025-10-24}",
               "{name: {zh: 秋季运动会, en: Sports days}, start: 2026-08-22, end: 2026-08-24}")
    lines = refused(p)
    assert any(f":{line_of(p, '秋季运动会')}:" in l and "outside every semester" in l for l in lines), lines


def test_a_bad_profile_stops_the_site_build_before_anything_is_made(tmp_path, school):
    p = broken(tmp_path, "grades: [10, 11, 12]\n", "grades: [10, 11, 13]\n")
    with pytest.raises(profile.ProfileError):
        school(p)


# ----------------------------------------------------------------------- what the profile changes

def test_without_a_profile_the_district_edition_is_unchanged(lib, school):
    assert data.profile() is None
    assert data.grades() == list(range(1, 13))
    assert data.period_minutes(3) == 40
    assert profile.restrict(lib, None) is lib
    pages = site.generated_pages(lib, "zh")
    assert all(site.grade_uri(g) in pages for g in range(1, 13))
    assert site.school_contacts("help.md", "zh") == ""


def test_school_edition_covers_only_the_schools_grades(lib, school):
    s = school(GAOZHONG)
    shown = profile.restrict(lib, s)
    assert {i.meta.grade for i in shown.lessons} == {10, 11, 12}
    assert {i.meta.grade for i in shown.classmeetings} <= {10, 11, 12}
    pages = site.generated_pages(shown, "zh")
    assert {g for g in range(1, 13) if site.grade_uri(g) in pages} == {10, 11, 12}
    assert {g for g in range(1, 13) if site.plan_uri(g) in pages} == {10, 11, 12}
    assert not any(u.startswith("lessons/grade-07/") for u in pages)
    assert "grade-09" not in pages["plans/index.md"] and "grade-10" in pages["plans/index.md"]
    downloads = site.generated_downloads(shown)
    assert sorted(downloads) == sorted([f"plans/grade-{g}-{s}.{e}" for g in (10, 11, 12) for s in ("autumn", "spring") for e in ("csv", "ics")]
                                       + ["training/roster-template.xlsx"])
    from xinyu import export
    assert not [u for u in export.download_uris(shown) if "grade-0" in u or "/g0" in u]
    # the lesson finder offers only the school's grades and stages
    finder = pages[site.FINDER]
    assert "高一" in finder and "七年级" not in finder and "小学" not in finder
    # the coverage page reports against the school's grades
    cov = pages["coverage.md"]
    assert "| [高一](" in cov and "| [七年级（初一）](" not in cov and "| [一年级](" not in cov
    # only senior and all-stage parent modules (the profile's choice)
    assert {m.meta.stage for m in shown.parents} == {"senior", "all"}


def test_links_to_left_out_pages_become_plain_words(lib, school):
    s = school(GAOZHONG)
    shown = profile.restrict(lib, s)
    absent = profile.absent_pages(lib, shown)
    assert "lessons/grade-07/g07-au-friends-saying-no.md" in absent
    md = "见[朋友之间也能说“不”](../lessons/grade-07/g07-au-friends-saying-no.md)和[求助](../help.md)。"
    assert site.unlink_absent(md, "training/t-x.md", absent) == "见朋友之间也能说“不”和[求助](../help.md)。"


def test_plans_use_the_schools_calendar_and_exam_dates(lib, school):
    school(GAOZHONG)
    shown = profile.restrict(lib, data.profile())
    page = site.plan_page(shown, 10, "zh")
    assert "2025-11-12–2025-11-14" in page             # the profile's midterm, not the district's 11-04
    assert "2025-11-04" not in page and "假设" not in page
    assert "晨光中学" in page
    p = planner.plan(shown, 10, "autumn", data.calendar())
    assert sum(e.date.weekday() == 2 for e in p.entries) >= len(p.entries) - 2   # the profile's lesson day: Wednesday
    csv = planner.to_csv(p).decode("utf-8-sig")
    assert "周三" in csv and "默认假设" not in csv


def test_help_page_lists_the_school_first_and_safety_notes_link_it(lib, school):
    s = school(GAOZHONG)
    shown = profile.restrict(lib, s)
    md = (ROOT / "docs/help.md").read_text(encoding="utf-8")
    out = site.fill_markers(md, shown, "help.md", "zh")
    assert out.index("明德楼三层东侧") < out.index("12355") < out.index("12356")
    assert "分机 3302" in out and "{ #school-contacts }" in out and "核实：德育处，2025-09-01" in out
    en = site.fill_markers((ROOT / "docs/help.en.md").read_text(encoding="utf-8"), shown, "help.md", "en")
    assert en.index("Counselling room 301") < en.index("12356") and "ext. 3302" in en
    # every help box names the school's room and links the school's contacts
    lesson = next(l for l in shown.lessons if "告诉班主任和心理教师" in (l.doc.section("安全提示").text if l.doc.section("安全提示") else ""))
    page = site.render_item(lesson, "zh", shown)
    assert "本校心理辅导室：明德楼三层东侧" in page.split('!!! tip "需要帮助？"')[1]
    assert "告诉班主任和[心理教师](../../help.md#school-contacts)" in page


def test_district_edition_safety_notes_stay_as_written(lib, school):
    lesson = next(l for l in lib.lessons if l.doc.section("安全提示") and "告诉班主任和学校心理教师" in l.doc.section("安全提示").text)
    page = site.render_item(lesson, "zh", lib)
    assert "#school-contacts" not in page and "告诉班主任和学校心理教师" in page


def test_link_school_contacts_leaves_existing_links_alone():
    text = "请告诉班主任和心理老师。已写好的[心理老师](../../help.md)不变。"
    out = site.link_school_contacts(text, "lessons/grade-07/x.md")
    assert out == text     # a line that already links is left as written
    assert site.link_school_contacts("告诉班主任或心理教师。", "lessons/grade-07/x.md") == "告诉班主任或[心理教师](../../help.md#school-contacts)。"


# ----------------------------------------------------------------------- a shorter period

def _format2_primary(lib):
    return next(l for l in lib.lessons if l.meta.grade == 4 and l.format == 2 and any(s.role == "可选" for s in l.steps))


def test_fit_keeps_the_core_steps_that_fit(lib):
    lesson = _format2_primary(lib)
    kept, left = profile.fit(lesson, 35)
    assert kept and all(s.role == "核心" for s in kept)
    assert sum(s.minutes for s in kept) <= 35
    assert {s.title for s in kept} | {s.title for s in left} == {s.title for s in lesson.steps}
    assert all(s.role == "可选" for s in left if s.role)
    kept, left = profile.fit(lesson, 12)
    assert sum(s.minutes for s in kept) <= 12 and any(s.role == "核心" for s in left)


def test_lesson_page_docx_and_slides_show_the_core_steps_in_a_35_minute_school(lib, school):
    s = school(YIGUAN)
    shown = profile.restrict(lib, s)
    lesson = _format2_primary(shown)
    kept, left = profile.fit(lesson, 35)
    page = site.render_item(lesson, "zh", shown)
    assert "本校一节课35分钟：本课按40分钟设计" in page
    assert all(f"{x.name}（{x.minutes}分钟）" in page.split("省去：")[1].split("\n")[0] for x in left)
    assert page.count("本校课时内省去此环节") == len(left)
    from docx import Document
    from xinyu import export, slides
    doc = Document(io.BytesIO(export.lesson_docx(lesson)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本校一节课35分钟" in text and "省去：" in text and "石景山区松林学校" in text
    process = doc.tables[1]
    names = [r.cells[0].text.split("\n")[0] for r in process.rows[1:-1]]
    assert names == [x.name for x in kept]
    titles = [t for t, _, _ in slides.slide_texts(lesson)]
    assert not any(t.startswith(x.name + "（") for x in left for t in titles)
    assert all(any(t.startswith(x.name + "（") for t in titles) for x in kept)
    assert "石景山区松林学校（示例）" in slides.slide_texts(lesson)[0][1]
    # a junior-secondary lesson (45 minutes in this school) is untouched
    junior = next(l for l in shown.lessons if l.meta.grade == 7)
    assert "本校一节课" not in site.render_item(junior, "zh", shown)


def test_district_edition_lesson_has_no_period_note(lib, school):
    lesson = _format2_primary(lib)
    assert "本校一节课" not in site.render_item(lesson, "zh", lib)
    from docx import Document
    from xinyu import export
    doc = Document(io.BytesIO(export.lesson_docx(lesson)))
    assert len(doc.tables[1].rows) == len(lesson.steps) + 2


def test_pack_readme_names_the_school(lib, school):
    s = school(GAOZHONG)
    shown = profile.restrict(lib, s)
    from xinyu import export
    with zipfile.ZipFile(io.BytesIO(export.semester_pack(shown, 12, "spring", data.calendar()))) as zf:
        readme = zf.read("说明.txt").decode("utf-8")
        assert readme.startswith("石景山区晨光中学（示例）") and "按本校校历" in readme
        csv = zf.read("学期计划/grade-12-spring.csv").decode("utf-8-sig")
        assert "周三" in csv and "默认假设" not in csv      # the profile's lesson day and real exam dates


# ----------------------------------------------------------------------- this week: the data

def test_this_week_data_follows_the_plan_pages(lib, school):
    school(GAOZHONG)
    shown = profile.restrict(lib, data.profile())
    shown.downloads = True
    d = thisweek.build(shown)
    assert d["order"] == ["10", "11", "12"]
    for g in (10, 12):
        for term, sem in zip(d["grades"][str(g)]["terms"], ("autumn", "spring")):
            p = planner.plan(shown, g, sem, data.calendar())
            lessons = [i for i in term["items"] if i["kind"] == "lesson"]
            assert [(i["from"], i["page"]) for i in lessons] == [(e.date.isoformat(), e.lesson.src_uri[:-3]) for e in p.lessons]
    first = d["grades"]["10"]["terms"][0]["items"][0]
    assert any(f["uri"].endswith(".docx") for f in first["files"])
    script = thisweek.script(d, directory_urls=False).decode("utf-8")
    assert script.startswith("//") and "window.XINYU_THIS_WEEK = " in script
    payload = json.loads(script.split("window.XINYU_THIS_WEEK = ", 1)[1].rstrip().rstrip(";"))
    assert payload["directoryUrls"] is False and payload["labels"]["en"]["this"] == "This week"


def test_this_week_data_escapes_script_end(lib):
    d = {"x": "</script><script>alert(1)</script>"}
    assert b"</script>" not in thisweek.script(d, True)


def test_a_phone_that_is_neither_an_extension_nor_a_number_is_refused(tmp_path):
    p = broken(tmp_path, "phone: 分机 3302", "phone: 找王老师")
    lines = refused(p)
    assert any(f":{line_of(p, 'phone: 找王老师')}:" in l and "neither an extension nor a phone number" in l for l in lines), lines


def test_help_slide_of_a_sensitive_lesson_names_the_schools_room_first(lib, school):
    from xinyu import slides
    school(GAOZHONG)
    lines = slides.help_lines()
    assert lines[0].startswith("本校心理辅导室：明德楼三层东侧") and any("12356" in l for l in lines)


def test_plan_without_a_calendar_uses_the_schools(lib, school):
    school(GAOZHONG)
    p = planner.plan(profile.restrict(lib, data.profile()), 10, "autumn")
    assert any(w.start == dt.date(2025, 11, 12) for w in p.exams)


def test_a_calendar_the_lessons_cannot_be_planned_on_is_a_problem_at_its_line(tmp_path, lib):
    # Finals in mid-October leave the autumn too few lesson days for the grades' lessons. (A lesson
    # whose own weeks are closed is moved and reported on the plan; only lessons with no day left
    # at all are a problem of the calendar.)
    p = broken(tmp_path, "kind: final, grades: [10, 11, 12], start: 2026-01-21, end: 2026-01-23",
               "kind: final, grades: [10, 11, 12], start: 2025-10-13, end: 2025-10-15")
    s = profile.load(p)
    problems = profile.plan_problems(s, lib)
    assert problems and all(pr.line == line_of(p, "calendar:") for pr in problems)
    assert "autumn: no lesson day left for" in str(problems[0]) and " — give the grade more teaching weeks" in str(problems[0])


def test_training_start_goes_to_the_coordinators_page(school):
    from xinyu import content, training
    chosen = school(GAOZHONG)
    assert chosen.training_start == {"year": 2025, "semester": "autumn"}
    assert training.rules(content.load())["start"] == {"year": 2025, "semester": "autumn"}


def test_a_bad_training_start_is_refused_at_its_line(tmp_path):
    p = broken(tmp_path, "training_start: {year: 2025, semester: autumn}", "training_start: {year: 2025, semester: summer}")
    lines = refused(p)
    assert any(f":{line_of(p, 'semester: summer')}:" in l and "is not autumn or spring" in l for l in lines), lines
