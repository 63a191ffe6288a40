"""The coverage engine: each kind of rule on small fixture libraries (met, partly met, unmet),
the whole catalogue, the baseline that holds the line in CI, and the command."""
import json
import subprocess
import sys


from conftest import ROOT, make_lesson
from xinyu import content, coverage, data


def cells(tree, rule):
    lib = content.load(tree.root)
    ctx = {"problems": [], "docs": tree.root / "docs"}
    return coverage.RULES[rule["kind"]](rule, lib, ctx)


def status(tree, rule):
    return coverage._status(cells(tree, rule))


def test_lessons_per_semester_met_partly_unmet(tree):
    rule = {"kind": "lessons_per_semester", "grades": [8], "semesters": ["autumn"], "min": 2}
    assert status(tree, rule) == "unmet"
    make_lesson(tree, "g08-au-one", 8, "autumn", [3])
    assert status(tree, rule) == "partly"
    make_lesson(tree, "g08-au-two", 8, "autumn", [5])
    assert status(tree, rule) == "met"
    c = cells(tree, rule)[0]
    assert (c.have, c.need, sorted(c.items)) == (2, 2, ["g08-au-one", "g08-au-two"])


def test_policy_targets_are_read_from_config_and_flagged(tree):
    rule = {"kind": "lessons_per_semester", "grades": [4], "semesters": ["autumn"], "min": {"policy": "biweekly_min"}}
    c = cells(tree, rule)[0]
    assert c.need == data.config()["coverage"]["biweekly_min"] and c.policy


def test_moment_and_week_filters(tree):
    rule = {"kind": "lessons_per_semester", "grades": [10], "semesters": ["autumn"], "moment": "enrolment",
            "weeks_max": {"policy": "enrol_weeks_max"}, "min": 1}
    make_lesson(tree, "g10-au-late", 10, "autumn", [9], moment="enrolment")      # too late in the semester
    assert status(tree, rule) == "unmet"
    make_lesson(tree, "g10-au-early", 10, "autumn", [1, 2], moment="enrolment")
    assert status(tree, rule) == "met"


def test_each_focus(tree):
    rule = {"kind": "lessons_per_semester", "grades": [12], "semesters": ["spring"],
            "each_focus": ["pre-exam-guidance", "stress-relief"], "min": 1}
    make_lesson(tree, "g12-sp-a", 12, "spring", [10], focus=["stress-relief"])
    assert status(tree, rule) == "partly"
    make_lesson(tree, "g12-sp-b", 12, "spring", [12], focus=["pre-exam-guidance"])
    assert status(tree, rule) == "met"


def test_exam_windows(tree):
    rule = {"kind": "exam_windows", "moment": "exam-before"}
    before = {c.label["en"]: c for c in cells(tree, rule)}
    assert before["Grade 7, before the autumn midterm"].have == 0
    make_lesson(tree, "g07-au-calm", 7, "autumn", [7, 8], moment="exam-before")
    make_lesson(tree, "g07-au-early", 7, "autumn", [2], moment="exam-before")     # too early to count
    before = {c.label["en"]: c for c in cells(tree, rule)}
    assert before["Grade 7, before the autumn midterm"].items == ["g07-au-calm"]
    assert "Grade 1, before the autumn final" not in before                       # grades 1–2 sit no exams
    after = {c.label["en"]: c for c in cells(tree, {"kind": "exam_windows", "moment": "exam-after"})}
    assert "Grade 7, after the spring final" not in after                          # summer break
    make_lesson(tree, "g07-sp-results", 7, "spring", [1, 2], moment="exam-after")
    after = {c.label["en"]: c for c in cells(tree, {"kind": "exam_windows", "moment": "exam-after"})}
    assert after["Grade 7, after the autumn final"].items == ["g07-sp-results"]


def test_topic_in_bands(tree):
    rule = {"kind": "topic_in_bands", "topic": "life", "bands": [[1, 2], [7, 8, 9]]}
    assert status(tree, rule) == "unmet"
    make_lesson(tree, "g08-sp-life", 8, "spring", [6], topics=["life"])
    assert status(tree, rule) == "partly"
    make_lesson(tree, "g02-sp-life", 2, "spring", [6], topics=["life"])
    assert status(tree, rule) == "met"


def test_units_and_parent_modules(tree):
    assert status(tree, {"kind": "units", "each_topic": ["reporting"]}) == "met"
    assert status(tree, {"kind": "units", "each_topic": ["reporting", "arts"]}) == "partly"
    assert status(tree, {"kind": "units", "roles": ["leader"], "each_topic": ["reporting"]}) == "unmet"
    assert status(tree, {"kind": "units", "roles": ["all-staff"], "min": 2}) == "partly"
    assert status(tree, {"kind": "parent_modules", "each_stage": ["junior"], "semesters": ["autumn"]}) == "met"
    assert status(tree, {"kind": "parent_modules", "each_stage": ["junior"], "semesters": ["autumn", "spring"]}) == "partly"
    assert status(tree, {"kind": "parent_modules", "each_topic": ["sleep"]}) == "unmet"


def test_pages_contacts_citing_and_all_of(tree):
    assert status(tree, {"kind": "page", "path": "help.md"}) == "met"
    assert status(tree, {"kind": "page", "path": "procedures/referral.md"}) == "unmet"
    tree.write("docs/procedures/referral.md", "# 转介\n")
    assert status(tree, {"kind": "page", "path": "procedures/referral.md"}) == "partly"   # no English yet
    assert status(tree, {"kind": "contact", "id": "shijingshan-station"}) == "met"
    assert status(tree, {"kind": "contact", "id": "nobody"}) == "unmet"
    assert status(tree, {"kind": "citing", "requirement": "TRAIN-REPORTING", "each_kind": ["training", "parent"]}) == "partly"
    both = {"kind": "all_of", "rules": [{"kind": "page", "path": "help.md"}, {"kind": "units", "each_topic": ["arts"]}]}
    assert status(tree, both) == "partly"


def test_every_page_has_help_and_checker_clean(tree):
    assert status(tree, {"kind": "every_page", "has": "help_link"}) == "met"
    lib = content.load(tree.root)
    from xinyu.content import Problem
    bad = [Problem(tree.root / "x.md", 1, "scale", rule="no-scales")]
    ctx = {"problems": bad, "docs": tree.root / "docs"}
    assert coverage._status(coverage.rule_checker_clean({"rules": ["no-scales"]}, lib, ctx)) == "unmet"


def test_evaluate_whole_catalogue_on_fixture(tree):
    results = {r.id: r for r in coverage.evaluate(content.load(tree.root), problems=[], docs=tree.root / "docs")}
    assert set(results) == {r["id"] for r in data.requirements()}
    assert results["TRAIN-REPORTING"].status == "met"
    assert results["COURSE-ALL"].status == "partly" and results["COURSE-ALL"].policy
    assert results["TOPIC-PUBERTY"].status == "unmet"       # a false "met" would be a defect
    assert results["CONTEXT-STAFFING"].status == "context"


def test_baseline_catches_a_regression(tree, tmp_path):
    lib = content.load(tree.root)
    results = coverage.evaluate(lib, problems=[], docs=tree.root / "docs")
    baseline = tmp_path / "baseline.json"
    coverage.write_baseline(results, baseline)
    assert coverage.regressions(results, baseline) == []
    tree.path("training/t-fixture-unit.md").unlink()
    after = coverage.evaluate(content.load(tree.root), problems=[], docs=tree.root / "docs")
    assert "TRAIN-REPORTING" in coverage.regressions(after, baseline)


def test_project_holds_its_baseline():
    run = subprocess.run([sys.executable, str(ROOT / "scripts/coverage.py"), "--check-baseline"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_cli_json():
    run = subprocess.run([sys.executable, str(ROOT / "scripts/coverage.py"), "--json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert len(out["requirements"]) == len(data.requirements())
    assert {"grade", "need", "autumn", "spring"} <= set(out["grade_semester"][0])
    assert any(r["kind"] == "lesson" for r in out["translation"])
    statuses = {r["status"] for r in out["requirements"]}
    assert statuses <= {"met", "partly", "unmet", "context"}
