"""The checker against deliberately broken fixtures: one case per rule, each asserting the
message and the line. The valid fixture tree (tests/fixtures/valid) passes with no findings."""
import subprocess
import sys

import pytest

from conftest import LESSON, PARENT, ROOT, TRAINING

# (case, file, old text, new text, expected line, words the message must contain, rule)
BROKEN = [
    ("no front matter", LESSON, "---\nid:", "id:", 1, "no front matter", "front-matter"),
    ("bad yaml", LESSON, "weeks: [3]", "weeks: [3", 6, "the bracket opened on this line is not closed", "front-matter"),
    ("missing field", LESSON, "duration: 45\n", "", 1, "lacks 'duration'", "schema"),
    ("unknown field", LESSON, "weeks: [3]", "weeks: [3]\ncolour: red", 7, "unknown field 'colour'", "schema"),
    ("unknown topic", LESSON, "topics: [relationships]", "topics: [friendship]", 8, "unknown topics code(s) friendship", "schema"),
    ("unknown requirement", LESSON, "[COURSE-BIWEEKLY]", "[COURSE-WEEKLY]", 9, "unknown requirement id(s) COURSE-WEEKLY", "schema"),
    ("bad grade", LESSON, "grade: 7", "grade: 13", 4, "'grade'", "schema"),
    ("id disagrees with grade", LESSON, "grade: 7", "grade: 8", 1, "id says grade 7 but grade is 8", "schema"),
    ("wrong duration", LESSON, "duration: 45", "duration: 40", 7, "duration is 40 minutes but a grade-7 class is 45", "duration"),
    ("missing section", LESSON, "## 课后延伸\n", "", 21, "missing section '## 课后延伸'", "sections"),
    ("section order", LESSON, "## 课后延伸\n\n本周内向一位还不熟悉的同学说出你的三句话介绍。\n\n## 家校链接", "## 家校链接\n\n本周内向一位还不熟悉的同学说出你的三句话介绍。\n\n## 课后延伸", 71, "section '## 家校链接' is out of order", "sections"),
    ("empty section", LESSON, "本周内向一位还不熟悉的同学说出你的三句话介绍。", "无", 71, "'## 课后延伸' is empty", "sections"),
    ("level-1 heading", LESSON, "## 教学目标\n", "## 教学目标\n\n# 大标题\n", 24, "level-1 heading", "sections"),
    ("step without minutes", LESSON, "### 三、总结：一句话收获（15分钟）", "### 三、总结：一句话收获", 57, "has no minutes", "timing"),
    ("minutes do not add up", LESSON, "一句话收获（15分钟）", "一句话收获（10分钟）", 34, "add up to 40 minutes but duration is 45", "timing"),
    ("no teacher activity", LESSON, "**教师活动**：请每组", "请每组", 57, "has no **教师活动**", "lesson-parts"),
    ("too few prompts", LESSON, "> 引导语：“第一句话最难", "“第一句话最难", 34, "only 2 teacher prompt(s)", "lesson-parts"),
    ("no discussion questions", LESSON, "**讨论问题**：", "问题：", 34, "no discussion questions", "lesson-parts"),
    ("no plan B", LESSON, "**备用方案**：", "另外：", 65, "no **备用方案**", "lesson-parts"),
    ("broken link", LESSON, "](../../help.md)", "](../../helps.md)", 81, "points to helps.md, which does not exist", "links"),
    ("external address", LESSON, "课后单独关心。", "课后单独关心，见 https://example.com/x 。", 81, "web address or e-mail", "no-external"),
    ("sensitive without help link", LESSON, "见[求助资源](../../help.md)。", "。", 79, "does not link the help page", "help-link"),
    ("life lesson not high", LESSON, "topics: [relationships]", "topics: [life]", 12, "must be marked sensitivity: high", "sensitivity"),
    ("forbidden phrasing", LESSON, "第一句话最难", "说出来就解脱了", 61, "forbidden phrasing '解脱'", "safety"),
    ("screening scale", LESSON, "依次拍手报名字和爱好。", "依次填写PHQ-9。", 42, "screening scale 'PHQ-9'", "no-scales"),
    ("scored worksheet", LESSON, "分享一句话收获。", "计算总分，总分越高说明你越紧张。", 63, "scored like a test", "no-scales"),
    ("unverified phone", LESSON, "课后单独关心。", "课后单独关心，或拨打 010-12345678。", 81, "is not a verified contact", "contacts"),
    ("wrong place", LESSON, "id: g07-au-fixture-lesson", "id: g07-au-other-name", 2, "its id and grade put it at lessons/grade-07/g07-au-other-name.md", "location"),
    ("placeholder", LESSON, "本周内向一位还不熟悉的同学说出你的三句话介绍。", "……", 73, "placeholder text left in", "placeholder"),
    ("three things", PARENT, "3. 和班主任打一次招呼。\n", "", 18, "lists 2 items", "parent-parts"),
    ("parent questions", PARENT, "**问：要不要每天检查作业？**", "要不要每天检查作业？", 38, "only 3 question(s)", "parent-parts"),
    ("parent session timing", PARENT, "情境讨论（40分钟）", "情境讨论（30分钟）", 28, "add up to 50 minutes but session_minutes is 60", "timing"),
    ("parent session too long", PARENT, "session_minutes: 60", "session_minutes: 120", 11, "runs 60–90 minutes", "schema"),
    ("unknown stage", PARENT, "stage: junior", "stage: middle-school", 4, "unknown parent_stages code(s) middle-school", "schema"),
    ("english three things", "parents/p-fixture-module.en.md", "3. Say hello to the homeroom teacher once.\n", "", 9, "does not list exactly three items", "translation"),
    ("english help link", "parents/p-fixture-module.en.md", "[Getting help](../help.md)", "Getting help", 15, "does not link the help page", "translation"),
    ("english forbidden phrasing", "parents/p-fixture-module.en.md", "this is common", "一了百了", 7, "forbidden phrasing", "safety"),
    ("fictional cases", TRAINING, "虚构案例：", "案例：", 31, "not marked as fictional", "training-parts"),
    ("training hours", TRAINING, "hours: 1", "hours: 1.5", 17, "add up to 60 minutes but hours × 60 is 90", "timing"),
    ("unknown role", TRAINING, "roles: [all-staff]", "roles: [janitor]", 4, "unknown roles code(s) janitor", "schema"),
]


def test_valid_fixture_is_clean(tree):
    assert tree.check() == []


@pytest.mark.parametrize("case,rel,old,new,line,words,rule", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture(tree, case, rel, old, new, line, words, rule):
    tree.edit(rel, old, new)
    problems = tree.check()
    hits = [p for p in problems if p.rule == rule and words in p.message]
    assert hits, f"expected a '{rule}' problem containing {words!r}; got:\n" + "\n".join(map(str, problems))
    p = hits[0]
    assert p.line == line
    assert p.path == tree.path(rel)
    assert p.fix, "every message says how to fix it"
    assert str(p).startswith(f"{rel}:{line}: ") or f"{rel}:{line}: " in str(p)


def test_duplicate_id(tree):
    text = tree.path(LESSON).read_text(encoding="utf-8")
    tree.write("lessons/grade-08/g07-au-fixture-lesson.md", text)
    problems = [p for p in tree.check() if p.rule == "unique-id"]
    assert len(problems) == 1 and problems[0].line == 2 and "also used by" in problems[0].message


def test_near_duplicate_between_lessons(tree):
    text = tree.path(LESSON).read_text(encoding="utf-8").replace("g07-au-fixture-lesson", "g07-au-fixture-copy")
    text = text.replace("拍手报名字", "跺脚报名字").replace("三句话介绍我", "四句话介绍我")
    tree.write("lessons/grade-07/g07-au-fixture-copy.md", text)
    problems = [p for p in tree.check() if p.rule == "near-duplicate"]
    passages = [p for p in problems if "shares a passage of 80+ characters" in p.message]
    assert passages and passages[0].path.name == "g07-au-fixture-lesson.md" and passages[0].line > 20
    assert any("of its text also stands in" in p.message for p in problems)


def test_activity_reused_within_grade(tree):
    text = tree.path(LESSON).read_text(encoding="utf-8").replace("g07-au-fixture-lesson", "g07-au-another")
    # Same warm-up name, otherwise different words so that only the reuse rule fires.
    other = [
        ("示范一边拍手一边说出自己的名字和一个爱好。", "带领全班围圈，用节奏游戏互相认识，再请志愿者挑战记住五个人的名字。"),
    ]
    for old, new in other:
        text = text.replace(old, new)
    tree.write("lessons/grade-07/g07-au-another.md", text)
    reuse = [p for p in tree.check() if p.rule == "activity-reuse"]
    assert reuse and "warm-up '拍手报名字' is already used in grade 7" in reuse[0].message
    assert reuse[0].line == 36


def test_parent_module_without_english_is_a_warning(tree):
    tree.path("parents/p-fixture-module.en.md").unlink()
    problems = [p for p in tree.check() if p.rule == "translation"]
    assert len(problems) == 1 and problems[0].level == "warning" and "no English reading page" in problems[0].message


def test_site_page_without_english(tree):
    tree.write("docs/about.md", "---\ntitle: 关于\n---\n\n# 关于\n\n本站说明。\n")
    problems = [p for p in tree.check() if p.rule == "translation"]
    assert problems and problems[0].line == 1 and "has no English version" in problems[0].message


def test_unverified_contact_with_number(tmp_path):
    from xinyu import checks
    path = tmp_path / "contacts.yml"
    path.write_text("- id: a\n  kind: hotline\n  phone: '110'\n  verified: {source: x, date: 2026-01-01}\n"
                    "- id: b\n  kind: hotline\n  phone: '12345678'\n  verified: null\n", encoding="utf-8")
    problems = checks.check_contacts(path)
    assert len(problems) == 1 and problems[0].line == 5 and "no 'verified' source" in problems[0].message


def test_project_content_passes_without_warnings():
    from xinyu import checks
    problems = checks.check()
    assert problems == [], "\n".join(map(str, problems))


def test_cli_reports_path_line_and_fails(tree):
    tree.edit(LESSON, "duration: 45", "duration: 40")
    run = subprocess.run([sys.executable, str(ROOT / "scripts/check.py"), "--root", str(tree.root)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "error: lessons/grade-07/g07-au-fixture-lesson.md:7: duration is 40 minutes" in run.stdout.replace(str(tree.root) + "/", "")
    assert " — set duration: 45" in run.stdout


def test_cli_passes_on_valid_tree(tree):
    run = subprocess.run([sys.executable, str(ROOT / "scripts/check.py"), "--root", str(tree.root)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
