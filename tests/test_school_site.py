"""The school edition built for real (issue 21): the intranet bundle of the 高中 example profile,
opened from disk in Chromium — grades 10–12 only, the school's counselling room before the
national lines, the grade-10 plan on the profile's exam dates, search and “this week” working —
and “this week” on the district edition, with the browser's date fixed (Playwright page.clock)."""
import subprocess
import sys
import zipfile

import pytest

from browser import search
from conftest import ROOT

GAOZHONG = ROOT / "examples/schools/gaozhong.yml"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def school_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, str(ROOT / "scripts/bundle.py"), "--school", str(GAOZHONG), "--version", "t21", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    archive = out / "xinyu-offline-gaozhong-t21.zip"
    assert archive.exists(), list(out.iterdir())
    root = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root)
    return root / "xinyu-offline-gaozhong-t21"


def open_at(browser, url: str, when: str):
    """A page opened with the browser's clock set to `when` (local time). The clock then runs on:
    a clock held still (set_fixed_time) stops Material's search, which waits on timers."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.requests = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    page.clock.install(time=when)
    page.clock.resume()
    page.goto(url)
    page.wait_for_selector("#this-week[data-ready]", timeout=10_000)
    return page


def row(page, grade: int) -> list[str]:
    return page.eval_on_selector_all(f'#this-week tr[data-grade="{grade}"] td', "tds => tds.map(td => td.innerText)")


def test_school_bundle_has_the_schools_grades_only(school_bundle):
    site = school_bundle / "site"
    assert sorted(p.name for p in (site / "lessons").iterdir() if p.name.startswith("grade-")) == ["grade-10", "grade-11", "grade-12"]
    assert sorted(p.name for p in (site / "en/lessons").iterdir() if p.name.startswith("grade-")) == ["grade-10", "grade-11", "grade-12"]
    assert sorted(p.name for p in (site / "plans").glob("grade-*.html")) == ["grade-10.html", "grade-11.html", "grade-12.html"]
    assert sorted(p.name for p in (site / "downloads/packs").iterdir())[0] == "grade-10-autumn.zip"
    assert not list((site / "downloads/lessons").glob("g0*.docx"))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "石景山区晨光中学（示例） · 心育资源库" in home
    assert "Chenguang Senior High School (example)" in (site / "en/index.html").read_text(encoding="utf-8")
    assert (school_bundle / "school.yml").read_bytes() == GAOZHONG.read_bytes()


def test_school_help_page_lists_the_counselling_room_before_the_national_lines(school_bundle):
    text = (school_bundle / "site/help.html").read_text(encoding="utf-8")
    assert "明德楼三层东侧" in text and "分机 3302" in text and 'id="school-contacts"' in text
    assert text.index("明德楼三层东侧") < text.index("12355") < text.index("12356")
    lesson = (school_bundle / "site/lessons/grade-10/g10-au-new-start-senior.html").read_text(encoding="utf-8")
    assert "本校心理辅导室：明德楼三层东侧" in lesson and "help.html#school-contacts" in lesson


def test_school_grade10_plan_uses_the_profiles_exam_dates(school_bundle):
    text = (school_bundle / "site/plans/grade-10.html").read_text(encoding="utf-8")
    assert "2025-11-12–2025-11-14" in text and "2025-11-04" not in text
    csv = (school_bundle / "site/plans/grade-10-autumn.csv").read_bytes().decode("utf-8-sig")
    assert "周三" in csv and "默认假设" not in csv


def test_school_bundle_searches_and_shows_this_week_from_disk(school_bundle, browser):
    from xinyu import content, data, planner, profile
    site = school_bundle / "site"
    page = open_at(browser, (site / "index.html").as_uri(), "2025-11-10T09:00:00")
    status = page.inner_text(".xy-tw-status")
    assert "第11教学周" in status and "晨光中学" in status
    assert page.eval_on_selector_all("#this-week tbody tr", "rs => rs.map(r => r.dataset.grade)") == ["10", "11", "12"]
    # the same lesson as the plan page: grade 10's lesson in the week of 2025-11-17 (a Wednesday in the profile)
    school = profile.load(GAOZHONG)
    lib = profile.restrict(content.load(), school)
    plan = planner.plan(lib, 10, "autumn", school.calendar)
    due = next(e for e in plan.lessons if "2025-11-17" <= e.date.isoformat() <= "2025-11-23")
    this, nxt = row(page, 10)
    assert due.lesson.meta.title in nxt and "11月19日" in nxt and due.lesson.meta.title not in this
    link = page.get_attribute(f'#this-week tr[data-grade="10"] a[href*="{due.lesson.id}"]', "href")
    assert link == f"lessons/grade-10/{due.lesson.id}.html"
    assert (site / link).exists()
    files = page.eval_on_selector_all('#this-week tr[data-grade="10"] a[download]', "as => as.map(a => a.getAttribute('href'))")
    assert files and all((site / f).exists() for f in files), files
    links = search(page, "入学适应")
    assert any("g10-au-new-start-senior.html" in l for l in links), links
    assert not any("grade-07" in l for l in links), links
    assert all(u.startswith(("file://", "data:", "blob:")) for u in page.requests)
    assert page.errors == []
    page.context.close()


def test_school_this_week_in_the_winter_break_shows_the_first_lessons_after_it(school_bundle, browser):
    from xinyu import content, planner, profile
    page = open_at(browser, (school_bundle / "site/en/index.html").as_uri(), "2026-02-10T09:00:00")
    assert "next semester starts on 2026-03-02" in page.inner_text(".xy-tw-status")
    school = profile.load(GAOZHONG)
    lib = profile.restrict(content.load(), school)
    first = planner.plan(lib, 12, "spring", school.calendar).lessons[0]
    cell = row(page, 12)[0]
    assert "First lessons after the break" in cell and first.date.isoformat() in cell
    assert (first.lesson.meta.title_en or first.lesson.meta.title) in cell
    page.context.close()


def test_this_week_after_the_calendar_ends_says_so(school_bundle, browser):
    page = open_at(browser, (school_bundle / "site/index.html").as_uri(), "2026-09-07T09:00:00")
    assert "本校历的学年已于7月14日结束" in page.inner_text(".xy-tw-status")
    page.context.close()


def test_district_edition_shows_this_week_for_every_grade(offline_site, browser):
    from xinyu import content, planner
    site, _ = offline_site
    page = open_at(browser, (site / "index.html").as_uri(), "2025-09-02T08:00:00")
    assert "第1教学周" in page.inner_text(".xy-tw-status")
    assert page.eval_on_selector_all("#this-week tbody tr", "rs => rs.length") == 12
    lib = content.load()
    cal = planner.load_calendar()
    for grade in (1, 7, 10):
        first = planner.plan(lib, grade, "autumn", cal).lessons[0]
        assert first.date.isoformat() <= "2025-09-07"
        assert first.lesson.meta.title in row(page, grade)[0], grade
    # a teacher of one grade keeps to it, and the choice is remembered
    page.select_option(".xy-tw-pick", "7")
    assert page.eval_on_selector_all("#this-week tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.grade)") == ["7"]
    page.reload()
    page.wait_for_selector("#this-week[data-ready]")
    assert page.eval_on_selector_all("#this-week tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.grade)") == ["7"]
    assert page.errors == []
    page.context.close()


def test_school_coordinator_page_starts_from_the_profiles_training_start(school_bundle, browser):
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time="2026-12-07T09:00:00")
    page.goto((school_bundle / "site/training/coordinator.html").as_uri())
    page.wait_for_function("document.getElementById('xy-assign-now').textContent.length > 0")
    assert page.eval_on_selector("#xy-assign-start-year", "s => s.value") == "2025"
    assert page.eval_on_selector("#xy-assign-start-term", "s => s.value") == "0"           # autumn
    # 2025 autumn to 2026 autumn: the third semester of the paths
    assert page.eval_on_selector("#xy-assign-semester", "s => s.value") == "3"
    page.context.close()
