"""Coverage of the district plan's requirements by the library.

Each requirement in data/requirements.yml carries a `rule`; `evaluate(lib)` turns every rule into a
Result: met, partly met or unmet, with the figures (cells) it counted and the items that count.
Numbers that come from data/config.yml (`coverage:`) are the project's reading of the plan, not
its text: their cells are flagged `policy` and every report marks them.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import data
from .content import Item, Library

MET, PARTLY, UNMET, CONTEXT = "met", "partly", "unmet", "context"
SEMESTERS = ("autumn", "spring")


@dataclass
class Cell:
    """One counted figure: e.g. grade 7 autumn, 8 lessons of the 10 needed."""
    label: dict              # {"zh": ..., "en": ...}
    have: int
    need: int
    policy: bool = False     # the target is the project's reading (data/config.yml)
    items: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.have >= self.need


@dataclass
class Result:
    id: str
    clause: str
    phrase: str
    summary: dict
    status: str
    cells: list[Cell] = field(default_factory=list)
    note: dict | None = None

    @property
    def items(self) -> list[str]:
        seen = []
        for c in self.cells:
            seen += [i for i in c.items if i not in seen]
        return seen

    @property
    def policy(self) -> bool:
        return any(c.policy for c in self.cells)

    def to_json(self) -> dict:
        d = asdict(self)
        d["items"] = self.items
        d["policy"] = self.policy
        for c, cd in zip(self.cells, d["cells"]):
            cd["ok"] = c.ok
        return d


def _status(cells: list[Cell]) -> str:
    if cells and all(c.ok for c in cells):
        return MET
    if any(c.have > 0 for c in cells):
        return PARTLY
    return UNMET


def _min(spec, grade: int | None = None) -> tuple[int, bool]:
    """Resolve a target: a number, or {policy: key, default: n} read from config.yml."""
    if isinstance(spec, int):
        return spec, False
    value = data.config()["coverage"][spec["policy"]]
    if isinstance(value, dict):
        value = value.get(grade, spec.get("default", 1))
    return int(value), True


def _grade(g: int) -> dict:
    return {"zh": data.label("grades", g, "zh"), "en": data.label("grades", g, "en")}


def _sem(s: str) -> dict:
    return {"zh": data.label("semesters", s, "zh"), "en": data.label("semesters", s, "en")}


def _join(*labels: dict) -> dict:
    return {"zh": " ".join(l["zh"] for l in labels), "en": ", ".join(l["en"] for l in labels)}


def _ids(items: list[Item]) -> list[str]:
    return [i.id for i in items]


# --------------------------------------------------------------------------- rules

def _school(grades) -> list[int]:
    """The grades of a rule that the site covers (a school's edition reports on its grades only)."""
    return [g for g in grades if g in data.grades()]


def rule_lessons_per_semester(rule: dict, lib: Library, ctx) -> list[Cell]:
    cells = []
    for g in _school(rule["grades"]):
        for s in rule.get("semesters", SEMESTERS):
            lessons = lib.semester_lessons(g, s)
            if "moment" in rule:
                lessons = [l for l in lessons if l.meta.moment == rule["moment"]]
            if "weeks_max" in rule:
                limit, _ = _min(rule["weeks_max"])
                lessons = [l for l in lessons if min(l.meta.weeks) <= limit]
            need, policy = _min(rule["min"], g)
            if "weeks_max" in rule:
                policy = True
            groups = [(None, lessons)]
            if "each_focus" in rule:
                groups = [(f, [l for l in lessons if f in l.meta.focus]) for f in rule["each_focus"]]
            for focus, chosen in groups:
                label = _join(_grade(g), _sem(s))
                if focus:
                    label = _join(label, {"zh": data.label("focus", focus, "zh"), "en": data.label("focus", focus, "en")})
                cells.append(Cell(label, len(chosen), need, policy, _ids(chosen)))
    return cells


def exam_windows(grade: int) -> list[tuple[str, str, list[int]]]:
    """(semester, window name, [first week, last week]) of the exams a grade sits (coverage model)."""
    cov = data.config()["coverage"]
    out = []
    for s in SEMESTERS:
        windows = cov["exam_windows"][s]
        if s == "spring" and grade in cov.get("graduating_spring_windows", {}):
            windows = cov["graduating_spring_windows"][grade]
        for name, weeks in windows.items():
            if name == "midterm" and grade not in cov["midterm_grades"]:
                continue
            out.append((s, name, weeks))
    return out


WINDOW_LABEL = {"midterm": ("期中", "midterm"), "final": ("期末", "final")}


def rule_exam_windows(rule: dict, lib: Library, ctx) -> list[Cell]:
    cov = data.config()["coverage"]
    moment = rule["moment"]
    cells = []
    for g in _school(cov["exam_moment_grades"]):
        for s, name, (start, end) in exam_windows(g):
            if moment == "exam-before":
                sem, lo, hi = s, start - cov["exam_before_lead_weeks"], start - 1
            elif name == "midterm":
                sem, lo, hi = s, end + 1, end + cov["exam_after_weeks"]
            elif s == "autumn":
                sem, lo, hi = "spring", 1, cov["exam_after_weeks"]
            else:
                continue    # after the spring final comes the summer break
            # A 班会微课 led by the 班主任 serves an exam window as well as a full lesson (plan 一(三)1).
            pool = lib.semester_lessons(g, sem) + lib.semester_classmeetings(g, sem)
            chosen = [l for l in pool if l.meta.moment == moment and lo <= min(l.meta.weeks) <= hi]
            zh, en = WINDOW_LABEL[name]
            when = {"zh": f"{data.label('semesters', s, 'zh')}{zh}{'前' if moment == 'exam-before' else '后'}",
                    "en": f"{'before' if moment == 'exam-before' else 'after'} the {s} {en}"}
            cells.append(Cell(_join(_grade(g), when), len(chosen), 1, True, _ids(chosen)))
    if moment == "exam-before" and cov.get("first_exam_grade") in data.grades():
        g = cov["first_exam_grade"]
        chosen = [l for l in lib.lessons if l.meta.grade == g and l.meta.moment == moment]
        cells.append(Cell(_join(_grade(g), {"zh": "全年至少一节迎考课", "en": "one exam lesson in the year"}), len(chosen), 1, True, _ids(chosen)))
    return cells


def rule_topic_in_bands(rule: dict, lib: Library, ctx) -> list[Cell]:
    topic = rule["topic"]
    cells = []
    for band in rule["bands"]:
        if not _school(band):
            continue
        chosen = [l for l in lib.lessons if topic in l.meta.topics and l.meta.grade in band]
        label = {"zh": f"{band[0]}–{band[-1]}年级", "en": f"grades {band[0]}–{band[-1]}"}
        cells.append(Cell(label, len(chosen), 1, False, _ids(chosen)))
    if "per_grade" in rule:
        for g in _school(rule["per_grade"]["grades"]):
            need, policy = _min(rule["per_grade"]["min"], g)
            chosen = [l for l in lib.lessons if topic in l.meta.topics and l.meta.grade == g]
            cells.append(Cell(_grade(g), len(chosen), need, policy, _ids(chosen)))
    return cells


def rule_every_lesson(rule: dict, lib: Library, ctx) -> list[Cell]:
    lessons = lib.lessons
    if rule["has"] == "slots":
        good = [l for l in lessons if l.meta.slots]
    else:   # observable: objectives, 重难点 and a timed process pass the checker
        bad = {p.path for p in ctx["problems"] if p.rule in ("sections", "timing", "lesson-parts", "schema")}
        good = [l for l in lessons if l.path not in bad]
    label = {"zh": "全部教案", "en": "all lessons"}
    return [Cell(label, len(good), max(1, len(lessons)), False, _ids(good))]


def rule_every_page(rule: dict, lib: Library, ctx) -> list[Cell]:
    from .site import HELP, render_item
    pages = lib.lessons + lib.parents
    good = [i for i in pages if f"]({'../' * (i.src_uri.count('/'))}{HELP})" in render_item(i, "zh", lib)]
    return [Cell({"zh": "学生和家长页面", "en": "student and parent pages"}, len(good), max(1, len(pages)), False, _ids(good))]


def rule_contact(rule: dict, lib: Library, ctx) -> list[Cell]:
    entry = next((c for c in data.contacts() if c["id"] == rule["id"]), None)
    return [Cell({"zh": "求助页条目", "en": "entry on the help page"}, 1 if entry else 0, 1, False, ["help.md"] if entry else [])]


def rule_page(rule: dict, lib: Library, ctx) -> list[Cell]:
    docs = ctx["docs"]
    path = docs / rule["path"]
    en = path.with_name(path.stem + ".en.md")
    have = int(path.exists()) + int(en.exists())
    return [Cell({"zh": f"页面 {rule['path']}（中英）", "en": f"page {rule['path']} (both languages)"}, have, 2, False,
                 [rule["path"]] if path.exists() else [])]


def rule_checker_clean(rule: dict, lib: Library, ctx) -> list[Cell]:
    bad = [p for p in ctx["problems"] if p.rule in rule["rules"]]
    return [Cell({"zh": "检查工具发现的问题为零", "en": "no checker findings"}, 0 if bad else 1, 1, False, [])]


def rule_units(rule: dict, lib: Library, ctx) -> list[Cell]:
    units = lib.training
    if "roles" in rule:
        units = [u for u in units if set(u.meta.roles) & set(rule["roles"])]
    cells = []
    if "min" in rule:
        need, policy = _min(rule["min"])
        cells.append(Cell({"zh": "培训单元数", "en": "training units"}, len(units), need, policy, _ids(units)))
    for topic in rule.get("each_topic", []):
        chosen = [u for u in units if topic in u.meta.topics]
        cells.append(Cell({"zh": data.label("training_topics", topic, "zh"), "en": data.label("training_topics", topic, "en")},
                          len(chosen), 1, False, _ids(chosen)))
    for role in rule.get("each_role", []):
        chosen = [u for u in units if role in u.meta.roles]
        cells.append(Cell({"zh": data.label("roles", role, "zh"), "en": data.label("roles", role, "en")}, len(chosen), 1, False, _ids(chosen)))
    return cells


def rule_parent_modules(rule: dict, lib: Library, ctx) -> list[Cell]:
    mods = lib.parents
    cells = []
    for stage in rule.get("each_stage", []):
        for s in rule.get("semesters", SEMESTERS):
            chosen = [m for m in mods if m.meta.stage == stage and m.meta.semester in (s, "any")]
            label = _join({"zh": data.label("parent_stages", stage, "zh"), "en": data.label("parent_stages", stage, "en")}, _sem(s))
            cells.append(Cell(label, len(chosen), 1, False, _ids(chosen)))
    for topic in rule.get("each_topic", []):
        chosen = [m for m in mods if topic in m.meta.topics]
        cells.append(Cell({"zh": data.label("parent_topics", topic, "zh"), "en": data.label("parent_topics", topic, "en")},
                          len(chosen), 1, False, _ids(chosen)))
    return cells


def rule_citing(rule: dict, lib: Library, ctx) -> list[Cell]:
    names = {"training": ("培训单元", "training units"), "parent": ("家长模块", "parent modules"), "lesson": ("教案", "lessons")}
    cells = []
    for kind in rule["each_kind"]:
        chosen = [i for i in lib.of(kind) if rule["requirement"] in i.meta.requirements]
        cells.append(Cell({"zh": names[kind][0], "en": names[kind][1]}, len(chosen), 1, False, _ids(chosen)))
    return cells


def rule_all_of(rule: dict, lib: Library, ctx) -> list[Cell]:
    return [c for sub in rule["rules"] for c in RULES[sub["kind"]](sub, lib, ctx)]


RULES = {
    "lessons_per_semester": rule_lessons_per_semester, "exam_windows": rule_exam_windows,
    "topic_in_bands": rule_topic_in_bands, "every_lesson": rule_every_lesson, "every_page": rule_every_page,
    "contact": rule_contact, "page": rule_page, "checker_clean": rule_checker_clean, "units": rule_units,
    "parent_modules": rule_parent_modules, "citing": rule_citing, "all_of": rule_all_of,
}


def evaluate(lib: Library, problems=None, docs: Path | None = None) -> list[Result]:
    from .checks import check
    from .paths import DOCS
    docs = docs or (lib.root / "docs" if lib.root else DOCS)
    ctx = {"problems": problems if problems is not None else check(lib), "docs": docs}
    results = []
    for req in data.requirements():
        rule = req["rule"]
        base = dict(id=req["id"], clause=req["clause"], phrase=req["phrase"], summary=req["summary"], note=rule.get("note"))
        if rule["kind"] == "context":
            results.append(Result(status=CONTEXT, **base))
            continue
        cells = RULES[rule["kind"]](rule, lib, ctx)
        results.append(Result(status=_status(cells), cells=cells, **base))
    return results


# --------------------------------------------------------------------------- matrices

def semester_targets(grade: int) -> tuple[int, bool]:
    """Lessons a grade needs per semester under COURSE-ALL and COURSE-BIWEEKLY."""
    cov = data.config()["coverage"]
    if grade in (4, 5, 6, 7, 8, 10, 11):
        return cov["biweekly_min"], True
    return cov["course_all_min"].get(grade, 1), True


def grade_semester_matrix(lib: Library) -> list[dict]:
    rows = []
    for g in data.grades():
        need, policy = semester_targets(g)
        rows.append({"grade": g, "need": need, "policy": policy,
                     **{s: len(lib.semester_lessons(g, s)) for s in SEMESTERS}})
    return rows


def grade_topic_matrix(lib: Library) -> list[dict]:
    topics = list(data.vocabularies()["topics"])
    return [{"grade": g, **{t: sum(1 for l in lib.lessons if l.meta.grade == g and t in l.meta.topics) for t in topics}}
            for g in data.grades()]


EXAM_MOMENTS = ("exam-before", "exam-after")


def exam_balance(lib: Library) -> list[dict]:
    """Per grade: full lessons tied to an exam in the year, against the limit in config.yml
    (the rest of the 纲要 needs the psychology lessons; 班会微课 carry the other exam windows)."""
    limits = data.config()["coverage"].get("exam_lessons_max", {})
    rows = []
    for g in data.grades():
        lessons = [l for l in lib.lessons if l.meta.grade == g and l.meta.moment in EXAM_MOMENTS]
        meetings = [m for m in lib.classmeetings if m.meta.grade == g and m.meta.moment in EXAM_MOMENTS]
        limit = limits.get(g)
        rows.append({"grade": g, "lessons": len(lessons), "classmeetings": len(meetings), "max": limit,
                     "ok": limit is None or len(lessons) <= limit})
    return rows


def format_counts(lib: Library) -> dict:
    """How many lessons are in 教案格式 2, overall and per grade (the conversion in progress)."""
    per = {g: {"total": 0, "format2": 0} for g in data.grades()}
    for l in lib.lessons:
        per[l.meta.grade]["total"] += 1
        per[l.meta.grade]["format2"] += int(l.format == 2)
    return {"total": len(lib.lessons), "format2": sum(1 for l in lib.lessons if l.format == 2), "grades": per}


def translation_coverage(lib: Library, docs: Path | None = None) -> list[dict]:
    from .paths import DOCS
    docs = docs or DOCS
    rows = []
    for kind in ("lesson", "parent", "training"):
        items = lib.of(kind)
        rows.append({"kind": kind, "total": len(items), "english": sum(1 for i in items if i.translation)})
    pages = [p for p in docs.rglob("*.md") if not p.name.endswith(".en.md")]
    rows.append({"kind": "page", "total": len(pages), "english": sum(1 for p in pages if p.with_name(p.stem + ".en.md").exists())})
    return rows


# --------------------------------------------------------------------------- baseline

def regressions(results: list[Result], baseline: Path) -> list[str]:
    """Requirements the baseline records as met that are no longer met."""
    if not baseline.exists():
        return []
    from .userfiles import UserError, read_text
    try:
        was = set(json.loads(read_text(baseline, "baseline file"))["met"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{baseline}: not a baseline file ({exc}) — make it again with scripts/coverage.py --update-baseline") from None
    now = {r.id for r in results if r.status == MET}
    return sorted(was - now)


def write_baseline(results: list[Result], baseline: Path) -> None:
    met = sorted(r.id for r in results if r.status == MET)
    baseline.write_text(json.dumps({"met": met}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
