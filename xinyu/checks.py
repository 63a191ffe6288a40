"""The checker: every rule the content must pass, each reporting `path:line: problem — fix`.

`check(library)` returns a list of Problems. Errors stop the site build; warnings do not.
Rules are small functions registered in RULES, so each is easy to find, test and explain.
"""
from __future__ import annotations

import posixpath
import math
import re
from collections import Counter, defaultdict
from itertools import chain, combinations
from pathlib import Path

import yaml

from . import data
from .content import Item, Library, Problem, file_stamp, load
from .model import TIMED_SECTION, required_sections
from .paths import DATA, DOCS, ROOT
from . import drawing
from . import worksheet as ws_mod
from .userfiles import UserError, read_text

LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
EXTERNAL = re.compile(r"(https?://|ftp://|www\.)[^\s)）>]+|[\w.+-]+@[\w-]+\.[\w.]+", re.I)
HELP_PAGE = "help.md"


# --------------------------------------------------------------------------- helpers

def _problem(item: Item, line: int, message: str, fix: str, rule: str, level: str = "error") -> Problem:
    return Problem(item.path, line, message, fix, level, rule)


def _text_lines(item: Item):
    """(line, text) of the body outside code fences."""
    fence = False
    for n, t in item.doc.body_lines():
        if t.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if not fence:
            yield n, t


def _generated_pages(lib: Library) -> set[str]:
    """Docs-space paths of pages the site generates from the content (see xinyu.site)."""
    from .site import generated_index_pages, handout_uri, session_uri
    pages = {i.src_uri for i in lib.items}
    pages.update(generated_index_pages(lib))
    pages.update(session_uri(i) for i in lib.parents)
    pages.update(handout_uri(i) for i in lib.parents)
    return pages


def _docs_pages(docs: Path) -> set[str]:
    if not docs.is_dir():
        return set()
    return {p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name)}


# --------------------------------------------------------------------------- per-item rules

def rule_location(item: Item, ctx) -> list[Problem]:
    actual = item.path.relative_to(ctx["root"]).as_posix()
    if actual != item.src_uri:
        return [_problem(item, item.doc.line_of("id"), f"file is at {actual} but its id and grade put it at {item.src_uri}",
                         "rename or move the file (the file name is the id)", "location")]
    return []


def rule_duration(item: Item, ctx) -> list[Problem]:
    if item.kind != "lesson":
        return []
    want = data.class_minutes(item.meta.grade)
    if item.meta.duration != want:
        return [_problem(item, item.doc.line_of("duration"), f"duration is {item.meta.duration} minutes but a grade-{item.meta.grade} class is {want}",
                         f"set duration: {want} and re-time the steps (class lengths are in data/config.yml)", "duration")]
    return []


def rule_sections(item: Item, ctx) -> list[Problem]:
    out = []
    required = required_sections(item.kind, item.meta)
    titles = [s.title for s in item.doc.sections]
    for n, t in _text_lines(item):
        if re.match(r"^#\s", t):
            out.append(_problem(item, n, "level-1 heading in the body", "remove it: the page title comes from the front matter 'title'", "sections"))
    present = [t for t in titles if t in required]
    for name in required:
        if name not in titles:
            out.append(_problem(item, item.doc.body_start, f"missing section '## {name}'",
                                f"add it; the sections are, in order: {' / '.join(required)}", "sections"))
    if not out and present != required:
        first_bad = next(s for s, want in zip([s for s in item.doc.sections if s.title in required], required) if s.title != want)
        out.append(_problem(item, first_bad.line, f"section '## {first_bad.title}' is out of order",
                            f"put the sections in this order: {' / '.join(required)}", "sections"))
    for s in item.doc.sections:
        if s.title in required and s.title not in ("教学目标", "活动目标") and len(re.sub(r"\s", "", s.text)) < 15:
            out.append(_problem(item, s.line, f"section '## {s.title}' is empty or too short to use", "write it out in full", "sections"))
    return out


def rule_timing(item: Item, ctx) -> list[Problem]:
    if item.kind not in TIMED_SECTION:
        return []
    section = item.doc.section(TIMED_SECTION[item.kind])
    if section is None:
        return []
    out = []
    if not section.children:
        return [_problem(item, section.line, f"'## {section.title}' has no timed steps",
                         "add level-3 steps like '### 一、暖身：活动名称（5分钟）'", "timing")]
    total = 0
    for step in section.children:
        if step.minutes is None:
            out.append(_problem(item, step.line, f"step '{step.title}' has no minutes",
                                "end the heading with the minutes in full-width brackets, e.g. （10分钟）", "timing"))
        else:
            total += step.minutes
    want = item.total_minutes
    field = {"lesson": "duration", "classmeeting": "duration", "parent": "session_minutes", "training": "hours × 60"}[item.kind]
    if not out and total != want:
        out.append(_problem(item, section.line, f"the steps add up to {total} minutes but {field} is {want}",
                            "change the step minutes so that they add up exactly", "timing"))
    return out


def rule_lesson_parts(item: Item, ctx) -> list[Problem]:
    if item.kind != "lesson":
        return []
    out = []
    process = item.doc.section("教学过程")
    if process:
        for step in process.children:
            for label in ("教师活动", "学生活动"):
                if step.find(rf"\*\*{label}\*\*") is None:
                    out.append(_problem(item, step.line, f"step '{step.name}' has no **{label}**：paragraph",
                                        f"add a paragraph starting with **{label}**：", "lesson-parts"))
        prompts = sum(1 for _, t in process.lines if re.match(r"^\s*>\s*\**引导语", t))
        if prompts < 3:
            out.append(_problem(item, process.line, f"only {prompts} teacher prompt(s) written out",
                                "write the teacher's words at key moments as '> 引导语：“……”' (at least 3)", "lesson-parts"))
        if process.find(r"\*\*讨论问题\*\*") is None:
            out.append(_problem(item, process.line, "no discussion questions",
                                "add '**讨论问题**：' followed by a numbered list of open questions", "lesson-parts"))
    checks = [("教学重难点", ("重点", "难点")), ("差异化与备用方案", ("差异化", "备用方案"))]
    for title, labels in checks:
        s = item.doc.section(title)
        if s:
            for label in labels:
                if s.find(rf"\*\*{label}\*\*") is None:
                    out.append(_problem(item, s.line, f"'## {title}' has no **{label}**", f"add a paragraph starting with **{label}**：", "lesson-parts"))
    return out


def rule_classmeeting_parts(item: Item, ctx) -> list[Problem]:
    """A 班会微课: the 班主任's words and what students do in every step."""
    if item.kind != "classmeeting":
        return []
    out = []
    process = item.doc.section("活动过程")
    for step in process.children if process else []:
        if not any(re.match(r"^\s*>\s*\**引导语", t) for _, t in step.lines):
            out.append(_problem(item, step.line, f"step '{step.name}' has no words for the 班主任",
                                "add what the 班主任 says as '> 引导语：“……”'", "classmeeting-parts"))
        if step.find(r"\*\*学生活动\*\*") is None:
            out.append(_problem(item, step.line, f"step '{step.name}' has no **学生活动**",
                                "add **学生活动**： and what students do", "classmeeting-parts"))
    return out


def rule_parent_parts(item: Item, ctx) -> list[Problem]:
    if item.kind != "parent":
        return []
    out = []
    s = item.doc.section("这周可以试试的三件事")
    if s:
        n = sum(1 for _, t in s.lines if re.match(r"^\s*\d+[.、]\s*\S", t))
        if n != 3:
            out.append(_problem(item, s.line, f"'三件事' lists {n} items", "list exactly three numbered items", "parent-parts"))
    s = item.doc.section("家长常问")
    if s:
        n = sum(1 for _, t in s.lines if re.match(r"^\s*\*\*问", t))
        if n < 4:
            out.append(_problem(item, s.line, f"only {n} question(s) parents ask", "add '**问：…**' / '**答：…**' pairs (at least 4)", "parent-parts"))
    s = item.doc.section("一页讲义")
    if s:
        chars = len(re.sub(r"[\s#*>\-|]", "", s.text))
        if chars > 700:
            out.append(_problem(item, s.line, f"the handout has {chars} characters and will not fit one page",
                                "cut it to about 600 characters", "parent-parts", "warning"))
    return out


def rule_training_parts(item: Item, ctx) -> list[Problem]:
    if item.kind != "training":
        return []
    out = []
    s = item.doc.section("案例研讨")
    if s and "虚构" not in s.text:
        out.append(_problem(item, s.line, "cases are not marked as fictional", "label each case 虚构案例 and keep it unidentifiable", "training-parts"))
    s = item.doc.section("理解检测")
    if s:
        n = sum(1 for _, t in s.lines if re.match(r"^\s*(\d+[.、]|\*\*\d)", t))
        if n < 3:
            out.append(_problem(item, s.line, f"only {n} check question(s)", "write at least 3 numbered questions with answers", "training-parts"))
    return out


def rule_links(item: Item, ctx) -> list[Problem]:
    out = []
    base = posixpath.dirname(item.src_uri)
    for n, t in _text_lines(item):
        for m in LINK.finditer(t):
            target = m.group(2)
            if EXTERNAL.match(target) or target.startswith("mailto:"):
                continue   # reported by rule_no_external
            path = target.split("#", 1)[0]
            if not path:
                continue
            resolved = posixpath.normpath(posixpath.join(base, path))
            if not path.endswith(".md"):
                out.append(_problem(item, n, f"link '{target}' does not point to a .md page", "link to the page's .md file, e.g. ../../help.md", "links"))
            elif resolved not in ctx["pages"]:
                out.append(_problem(item, n, f"link '{target}' points to {resolved}, which does not exist",
                                    "fix the path (it is relative to this page's place in the site)", "links"))
    return out


def rule_no_external(item: Item, ctx) -> list[Problem]:
    out = []
    for n, t in item.doc.body_lines():
        for m in EXTERNAL.finditer(t):
            out.append(_problem(item, n, f"web address or e-mail '{m.group(0)}' in the text",
                                "remove it: the site works offline and contacts live only in data/contacts.yml", "no-external"))
    return out


def rule_help_link(item: Item, ctx) -> list[Problem]:
    if item.meta.sensitivity == "standard":
        return []
    where = {"lesson": "安全提示", "classmeeting": "安全提示", "parent": "需要帮助时"}.get(item.kind)
    section = item.doc.section(where) if where else None
    text = section.text if section else item.doc.body
    if not re.search(rf"\]\((\.\./)*{re.escape(HELP_PAGE)}(#[^)]*)?\)", text):
        line = section.line if section else item.doc.body_start
        rel = posixpath.relpath(HELP_PAGE, posixpath.dirname(item.src_uri))
        return [_problem(item, line, f"sensitivity is '{item.meta.sensitivity}' but {'## ' + where if where else 'the page'} does not link the help page",
                         f"add [求助资源]({rel})", "help-link")]
    return []


def rule_life_sensitivity(item: Item, ctx) -> list[Problem]:
    if item.kind in ("lesson", "classmeeting") and "life" in item.meta.topics and item.meta.sensitivity != "high":
        return [_problem(item, item.doc.line_of("sensitivity"), "a 生命教育 lesson must be marked sensitivity: high",
                         "set sensitivity: high (it adds the help link rule and a notice for teachers)", "sensitivity")]
    return []


@data.cached
def _safety_patterns():
    rules = data.safety()
    scales = [(name, re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])")) for name in rules["screening_scales"]]
    scoring = [re.compile(p) for p in rules["scoring_patterns"]]
    verified = {str(c["phone"]) for c in data.contacts() if c.get("verified") and c.get("phone")}
    return rules["forbidden_phrases"], scales, scoring, re.compile(rules["phone_pattern"]), verified


def safety_problems(path: Path, lines, student_facing: bool, make) -> list[Problem]:
    """Forbidden phrasing, screening scales and unverified numbers, for any text."""
    forbidden, scales, scoring, phone, verified = _safety_patterns()
    out = []
    for n, t in lines:
        for f in forbidden:
            if f["phrase"] in t:
                out.append(make(n, f"forbidden phrasing '{f['phrase']}' (safe-messaging rules)", f["fix"], "safety"))
        if student_facing:
            for name, rx in scales:
                if rx.search(t):
                    out.append(make(n, f"screening scale '{name}' in student-facing content",
                                    "remove it: the plan forbids pushing scales on students (SAFE-NO-SCALES); use open reflection questions", "no-scales"))
            if any(rx.search(t) for rx in scoring):
                out.append(make(n, "the worksheet is scored like a test",
                                "remove the scoring: lessons use open reflection, not tests or scales", "no-scales"))
        for m in phone.finditer(t):
            number = re.sub(r"\D", "", m.group(0))
            if number not in verified:
                out.append(make(n, f"phone-like number '{m.group(0)}' is not a verified contact",
                                "remove it, or add it to data/contacts.yml with its source once verified", "contacts"))
    return out


def rule_safety(item: Item, ctx) -> list[Problem]:
    student_facing = item.kind in ("lesson", "classmeeting", "parent")
    make = lambda n, msg, fix, rule: _problem(item, n, msg, fix, rule)
    return safety_problems(item.path, item.doc.body_lines(), student_facing, make)


PLACEHOLDER = re.compile(r"(^|[：:])\s*(……|\.\.\.)\s*$|\bTODO\b|\bTBD\b|\blorem\b|（课题）|活动名称", re.I)


def rule_placeholders(item: Item, ctx) -> list[Problem]:
    out = []
    for n, t in _text_lines(item):
        if PLACEHOLDER.search(t.strip().lstrip(">-*0123456789. ").strip()) or PLACEHOLDER.search(t):
            out.append(_problem(item, n, "placeholder text left in", "write the real content (the template's …… and 活动名称 are only prompts)", "placeholder"))
    if PLACEHOLDER.search(item.meta.title):
        out.append(_problem(item, item.doc.line_of("title"), "placeholder title", "give the lesson its real title", "placeholder"))
    return out


EN_PARENT_SECTIONS = ["Three things to try this week", "When you need help"]


def rule_translation(item: Item, ctx) -> list[Problem]:
    """An English version (<id>.en.md) is held to the same links and safety rules; a parent
    module's English reading page ends like the Chinese one. Parent modules need one."""
    from .document import ContentError, read
    path = item.translation
    if path is None:
        if item.kind == "parent":
            return [_problem(item, 1, "the parent module has no English reading page",
                             f"add {item.path.with_name(item.path.stem + '.en.md').name} (see the contributor page)", "translation", "warning")]
        return []
    try:
        doc = read(path)
    except ContentError as exc:
        return [Problem(exc.path, exc.line, exc.message, exc.fix, "error", "translation")]
    out = []
    make = lambda n, msg, fix, rule: Problem(path, n, msg, fix, "error", rule)
    if not doc.meta.get("title"):
        out.append(make(1, "the English version has no title", "add `title:` to its front matter", "translation"))
    if item.kind == "parent":
        titles = [s.title for s in doc.sections]
        for name in EN_PARENT_SECTIONS:
            if name not in titles:
                out.append(make(doc.body_start, f"missing section '## {name}'", f"end the English reading page with: {' / '.join(EN_PARENT_SECTIONS)}", "translation"))
        three = doc.section(EN_PARENT_SECTIONS[0])
        if three and sum(1 for _, t in three.lines if re.match(r"^\s*\d+\.\s*\S", t)) != 3:
            out.append(make(three.line, "'Three things' does not list exactly three items", "list exactly three numbered items", "translation"))
        helpsec = doc.section(EN_PARENT_SECTIONS[1])
        if helpsec and not re.search(rf"\]\((\.\./)*{re.escape(HELP_PAGE)}\)", helpsec.text):
            out.append(make(helpsec.line, "'When you need help' does not link the help page", "add [Getting help](../help.md)", "translation"))
    lines = [(doc.body_start + i, t) for i, t in enumerate(doc.body.split("\n"))]
    base = posixpath.dirname(item.src_uri)
    for n, t in lines:
        for m in LINK.finditer(t):
            target = m.group(2).split("#", 1)[0]
            if target and not EXTERNAL.match(target) and posixpath.normpath(posixpath.join(base, target)) not in ctx["pages"]:
                out.append(make(n, f"link '{m.group(2)}' points to a page that does not exist", "fix the path", "links"))
        for m in EXTERNAL.finditer(t):
            out.append(make(n, f"web address or e-mail '{m.group(0)}' in the text", "remove it: contacts live only in data/contacts.yml", "no-external"))
    out.extend(safety_problems(path, lines, item.kind in ("lesson", "parent"), make))
    return out


# --------------------------------------------------------------------------- 教案格式 2

ROLE_PLAY = re.compile(r"角色扮演|情景剧|心理剧|空椅子")
ROLE_PLAY_METHODS = {"角色扮演", "心理情景剧"}
LABEL_LINE = re.compile(r"^\s*\*\*[^*]+\*\*[：:]")
TASK = re.compile(r"^\s*\d+[.、．]\s*\S")
PROMPT = re.compile(r"^\s*>\s*\**引导语")
SENTENCE_END = re.compile(r"[。！？!?]+")
MAX_TASKS = 3
CORE_SPARE_MINUTES = 5


def student_tasks(step) -> tuple[int | None, list[int]]:
    """(line of **学生活动**, lines of its numbered tasks). A task is one numbered item under
    **学生活动**: a thing every student spends their own time doing (see docs/contribute.md)."""
    start = step.find(r"\*\*学生活动\*\*")
    if start is None:
        return None, []
    tasks = []
    for n, t in step.lines:
        if n <= start:
            continue
        if LABEL_LINE.match(t) or t.lstrip().startswith("#"):
            break
        if TASK.match(t):
            tasks.append(n)
    return start, tasks


def _band_label(grade: int) -> str:
    return data.label("stages", data.stage_of_grade(grade))


def rule_worksheets(item: Item, ctx) -> list[Problem]:
    """Worksheet blocks parse, sit in 教学准备, fit one A4 page; materials name real worksheets."""
    if item.kind != "lesson":
        return []
    out = []
    prep = item.doc.section("教学准备")
    prep_lines = {n for n, _ in prep.lines} if prep else set()
    titles: dict[str, int] = {}
    for b in item.worksheet_blocks:
        if b.error:
            line, msg, fix = b.error
            out.append(_problem(item, line, msg, fix, "worksheet"))
            continue
        w = b.worksheet
        if b.line not in prep_lines:
            out.append(_problem(item, b.line, f"worksheet '{w.title}' is outside '## 教学准备'",
                                "move the ```worksheet block into 教学准备", "worksheet"))
        if w.title in titles:
            out.append(_problem(item, b.line, f"two worksheets are called '{w.title}' (also line {titles[w.title]})",
                                "give each worksheet its own title", "worksheet"))
        titles.setdefault(w.title, b.line)
        h = ws_mod.height(w, item.meta.grade)
        if h > ws_mod.LAYOUT["usable_height"]:
            out.append(_problem(item, b.line, f"worksheet '{w.title}' is about {h:g} cm tall and will not fit one A4 page "
                                f"({ws_mod.LAYOUT['usable_height']:g} cm)", "cut items, writing lines or box height", "worksheet"))
        for text in ws_mod.texts(w):
            for msg in ws_mod.ruby_problems(text):
                out.append(_problem(item, b.line, f"worksheet '{w.title}': {msg}", "fix the braces of the 拼音 mark", "worksheet"))
        for it in w.items:
            if it.drawing:
                for msg in drawing.problems(drawing.folder(ctx["root"]) / it.drawing):
                    out.append(_problem(item, b.line, f"worksheet '{w.title}': {msg}",
                                        f"add a simple line drawing as {drawing.FOLDER}/{it.drawing} (see the contributor page)", "drawing"))
        if item.format == 2 and item.meta.grade in ws_mod.YOUNG_GRADES:
            for index, msg, fix in ws_mod.young_problems(w):
                out.append(_problem(item, b.line, f"worksheet '{w.title}': {msg}", fix, "worksheet"))
    if item.format == 2 and not any(b.error for b in item.worksheet_blocks):   # a broken block has no title yet
        for material in item.meta.materials:
            for title in ws_mod.MATERIAL.findall(material):
                if title not in titles:
                    out.append(_problem(item, item.doc.line_of("materials"), f"materials name 学习单《{title}》 but there is no worksheet block with that title",
                                        f"add a ```worksheet block with title: {title} to 教学准备, or correct the name", "worksheet"))
    return out


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def rule_images(item: Item, ctx) -> list[Problem]:
    """Pictures in a page are the library's own line drawings (lessons/drawings/*.svg), with a
    description for screen readers."""
    out = []
    base = posixpath.dirname(item.src_uri)
    for n, t in _text_lines(item):
        for m in IMAGE.finditer(t):
            alt, target = m.group(1).strip(), m.group(2)
            resolved = posixpath.normpath(posixpath.join(base, target))
            if not alt:
                out.append(_problem(item, n, f"picture '{target}' has no description", "write what it shows between the brackets: ![一只毛毛虫](…)", "drawing"))
            if posixpath.dirname(resolved) != drawing.FOLDER or not resolved.endswith(".svg"):
                out.append(_problem(item, n, f"picture '{target}' is not one of the library's drawings",
                                    f"put a line drawing in {drawing.FOLDER}/ and link it, e.g. ../drawings/name.svg", "drawing"))
                continue
            for msg in drawing.problems(ctx["root"] / resolved):
                out.append(_problem(item, n, msg, f"add or fix {resolved} (a simple line drawing, see the contributor page)", "drawing"))
    return out


def check_drawings(root: Path) -> list[Problem]:
    """Every file in lessons/drawings/ is a safe, self-contained SVG."""
    out = []
    folder = drawing.folder(root)
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() != ".svg":
                out.append(Problem(path, 1, f"{path.name} is not an SVG drawing", "drawings are .svg files; remove it or convert it", rule="drawing"))
                continue
            for msg in drawing.problems(path):
                out.append(Problem(path, 1, msg, "keep drawings to lines and shapes (no text, scripts or images)", rule="drawing"))
    return out


def rule_format2_sections(item: Item, ctx) -> list[Problem]:
    """学情分析, 设计依据, 学习评价 say what a 教研 reads them for."""
    if item.kind != "lesson" or item.format != 2:
        return []
    out = []
    s = item.doc.section("学情分析")
    if s:
        sentences = [x for x in SENTENCE_END.split(re.sub(r"\s", "", s.text)) if len(x) >= 4]
        if not 3 <= len(sentences) <= 6:
            out.append(_problem(item, s.line, f"'## 学情分析' has {len(sentences)} sentence(s)",
                                "write 3–6 sentences on what students of this grade bring to this topic", "format-2"))
    s = item.doc.section("设计依据")
    if s:
        for label in ("纲要依据", "设计思路"):
            if s.find(rf"\*\*{label}\*\*") is None:
                out.append(_problem(item, s.line, f"'## 设计依据' has no **{label}**", f"add a paragraph starting with **{label}**：", "format-2"))
        n = s.find(r"\*\*纲要依据\*\*")
        if n is not None:
            text = next(t for k, t in s.lines if k == n)
            band = _band_label(item.meta.grade)
            if band not in text:
                out.append(_problem(item, n, f"**纲要依据** does not name the band of grade {item.meta.grade} ({band})",
                                    f"name the 纲要 goal for {band} that this lesson serves", "format-2"))
    s = item.doc.section("学习评价")
    if s:
        start = s.find(r"\*\*评价要点\*\*")
        if start is None:
            out.append(_problem(item, s.line, "'## 学习评价' has no **评价要点**", "add **评价要点**： and 2–4 numbered observable signs", "format-2"))
        else:
            signs = [n for n, t in s.lines if n > start and TASK.match(t)]
            stop = s.find(r"\*\*出门条\*\*")
            if stop is not None:
                signs = [n for n in signs if n < stop]
            if not 2 <= len(signs) <= 4:
                out.append(_problem(item, start, f"**评价要点** lists {len(signs)} sign(s)",
                                    "list 2–4 numbered signs the teacher can see or hear when the aim is reached", "format-2"))
        if s.find(r"\*\*出门条\*\*") is None:
            out.append(_problem(item, s.line, "'## 学习评价' has no **出门条**", "add **出门条**： a one- or two-minute exit task", "format-2"))
    return out


def rule_format2_steps(item: Item, ctx) -> list[Problem]:
    """核心/可选 on each step; 核心 steps leave 5 minutes; teacher's words and ≤ 3 tasks per step."""
    if item.kind != "lesson" or item.format != 2:
        return []
    process = item.doc.section("教学过程")
    if process is None or not process.children:
        return []
    out = []
    core = 0
    for step in process.children:
        if step.minutes is None:
            continue      # reported by rule_timing
        if step.role is None:
            out.append(_problem(item, step.line, f"step '{step.name}' does not say 核心 or 可选",
                                f"end the heading with （{step.minutes}分钟，核心） or （{step.minutes}分钟，可选）", "format-2"))
        elif step.role == "核心":
            core += step.minutes
        if not any(PROMPT.match(t) for _, t in step.lines):
            out.append(_problem(item, step.line, f"step '{step.name}' has no teacher's words",
                                "add the teacher's words for this step as '> 引导语：“……”'", "format-2"))
        start, tasks = student_tasks(step)
        if start is not None and not tasks:
            out.append(_problem(item, start, f"step '{step.name}': **学生活动** is not a numbered list of tasks",
                                "write each student task as a numbered item (1. 2. 3.), one task per item", "format-2"))
        if len(tasks) > MAX_TASKS:
            out.append(_problem(item, tasks[MAX_TASKS], f"step '{step.name}' chains {len(tasks)} student tasks",
                                f"keep at most {MAX_TASKS} tasks in a step: split the step or cut a task", "format-2"))
        if len(tasks) > 2 and step.find(r"\*\*时间不够时\*\*") is None:
            out.append(_problem(item, step.line, f"step '{step.name}' has {len(tasks)} tasks but does not say what to drop",
                                "add **时间不够时**： which task to drop or shorten when time runs short", "format-2"))
    limit = item.meta.duration - CORE_SPARE_MINUTES
    if core > limit:
        out.append(_problem(item, process.line, f"the 核心 steps take {core} minutes; they must leave {CORE_SPARE_MINUTES} of the {item.meta.duration}",
                            f"mark steps as 可选 or shorten 核心 steps to {limit} minutes or less", "format-2"))
    return out


def _step_out_paragraphs(step) -> list[tuple[int, bool]]:
    """(line, has the teacher's words) of each **去角色** paragraph of a step."""
    out = []
    lines = step.lines
    for i, (n, t) in enumerate(lines):
        if re.match(r"^\s*\*\*去角色\*\*", t):
            following = [x for _, x in lines[i:i + 4]]
            out.append((n, any("“" in x or PROMPT.match(x) for x in following)))
    return out


def rule_step_out_of_role(item: Item, ctx) -> list[Problem]:
    """Every role-play, 情景剧, 心理剧 or 空椅子 ends with a **去角色** paragraph with the teacher's
    words, in the same step or the next; a lesson whose methods name role-play has at least one.
    Format-2 lessons and every 班会微课."""
    if not ((item.kind == "lesson" and item.format == 2) or item.kind == "classmeeting"):
        return []
    process = item.doc.section(TIMED_SECTION[item.kind])
    if process is None or not process.children:
        return []
    out = []
    steps = process.children
    outs = [_step_out_paragraphs(s) for s in steps]
    for line, words in (x for o in outs for x in o):
        if not words:
            out.append(_problem(item, line, "**去角色** does not give the teacher's words",
                                "write what the teacher says, e.g. “请说：我不是……，我是……”", "step-out-of-role"))
    for i, step in enumerate(steps):
        mention = next((n for n, t in step.lines if ROLE_PLAY.search(t) and not re.match(r"^\s*\*\*去角色", t)), None)
        if mention is not None and not outs[i] and not (i + 1 < len(steps) and outs[i + 1]):
            out.append(_problem(item, mention, f"step '{step.name}' has a role-play but nobody steps out of role",
                                "after it add **去角色**： students say their own name and one thing about themselves, with the teacher's words",
                                "step-out-of-role"))
    if set(getattr(item.meta, "methods", [])) & ROLE_PLAY_METHODS and not any(outs):
        out.append(_problem(item, item.doc.line_of("methods"), "methods include role-play but nobody steps out of role",
                            "after the role-play add **去角色**： students say their own name and one thing about themselves, with the teacher's words",
                            "step-out-of-role"))
    return out


def rule_revisits(item: Item, ctx) -> list[Problem]:
    """`revisits` names an earlier lesson, and 设计依据 (or the body) says it builds on it."""
    out = []
    for rid in getattr(item.meta, "revisits", []):
        other = ctx["lib"].get(rid)
        if other is None or other.kind != "lesson":
            out.append(_problem(item, item.doc.line_of("revisits"), f"revisits '{rid}', which is not a lesson", "correct the id", "activity-reuse"))
        elif not re.search(r"承接|基础上|在.{0,12}(学过|做过|玩过)|回顾|再访|升级", item.doc.body):
            out.append(_problem(item, item.doc.line_of("revisits"), f"revisits {rid} but the text does not say how it builds on it",
                                "say in 设计依据 what this lesson takes from the earlier one and what is new (e.g. 本课承接……，新在……)", "activity-reuse"))
    return out


ITEM_RULES = [rule_placeholders, rule_location, rule_duration, rule_sections, rule_timing, rule_lesson_parts, rule_classmeeting_parts,
              rule_parent_parts,
              rule_training_parts, rule_links, rule_no_external, rule_help_link, rule_life_sensitivity, rule_safety,
              rule_translation, rule_revisits, rule_worksheets, rule_images, rule_format2_sections, rule_format2_steps, rule_step_out_of_role]


# --------------------------------------------------------------------------- library-wide rules

def rule_unique_ids(lib: Library, ctx) -> list[Problem]:
    seen: dict[str, Item] = {}
    out = []
    for item in lib.items:
        if item.id in seen:
            other = seen[item.id]
            out.append(_problem(item, item.doc.line_of("id"), f"id '{item.id}' is also used by {other.path.relative_to(ctx['root'])}",
                                "give this item a new id (python scripts/new_lesson.py makes one)", "unique-id"))
        else:
            seen[item.id] = item
    return out


LABELS = re.compile(r"\*\*(教师活动|学生活动|讨论问题|重点|难点|差异化|备用方案|场地)\*\*[：:]?|引导语[：:]")


def _normalised(item: Item) -> tuple[str, list[int]]:
    """Body text without headings, markup and fixed labels; with the line of each character."""
    chars, lines = [], []
    for n, t in _text_lines(item):
        if t.lstrip().startswith("#"):
            continue
        t = LABELS.sub("", t)
        t = re.sub(r"[\s*>#|`\-_\[\]()（）“”\"'：:，,。.、；;！!？?…]+", "", t)
        chars.append(t)
        lines.extend([n] * len(t))
    return "".join(chars), lines


def _kept(item: Item, name: str, make):
    """`make(item)`, kept on the item: an item is read once, and the development server keeps
    unchanged items between rebuilds, so their text is normalised once."""
    if name not in item.__dict__:
        item.__dict__[name] = make(item)
    return item.__dict__[name]


def rule_near_duplicates(lib: Library, ctx) -> list[Problem]:
    cfg = data.config()["near_duplicate"]
    k = cfg["shared_run_chars"]
    items = lib.of("lesson") + lib.of("classmeeting") + lib.of("parent")
    texts = {i.id: _kept(i, "_normalised", _normalised) for i in items}
    # A shared run of k characters always contains a whole (k/2)-character block of the earlier
    # text that starts at a multiple of k/2. So the earlier texts are indexed by those blocks
    # only, every position of each later text is looked up, and a hit is extended both ways.
    half = k // 2
    anchors: dict[str, list[tuple[str, int]]] = defaultdict(list)
    reported: set[tuple[str, str]] = set()
    out = []
    for item in items:
        iid = item.id
        text, lines = texts[iid]
        n = len(text)
        for pos in range(0, n - half + 1):
            for other_id, q in anchors.get(text[pos:pos + half], ()):
                if (other_id, iid) in reported:
                    continue
                other = texts[other_id][0]
                back = 0
                while back < pos and back < q and text[pos - back - 1] == other[q - back - 1]:
                    back += 1
                ahead = half
                while pos + ahead < n and q + ahead < len(other) and text[pos + ahead] == other[q + ahead]:
                    ahead += 1
                if back + ahead >= k:
                    reported.add((other_id, iid))
                    start, other_line = pos - back, texts[other_id][1][q - back]
                    out.append(_problem(item, lines[start], f"shares a passage of {k}+ characters with {lib.get(other_id).path.relative_to(ctx['root'])}:{other_line} (“{text[start:start + 24]}…”)",
                                        "rewrite one of them in its own words; fold standard text into one shared place", "near-duplicate"))
        for pos in range(0, n - half + 1, half):
            anchors[text[pos:pos + half]].append((iid, pos))
    # Overall overlap of character 12-grams, counted through an inverted index (each shared
    # 12-gram adds one to every pair of items that have it).
    grams = {i.id: {texts[i.id][0][p:p + 12] for p in range(0, max(0, len(texts[i.id][0]) - 11))} for i in items}
    counts = Counter(chain.from_iterable(grams.values()))
    common = {g for g, c in counts.items() if c > 1}
    owners: dict[str, list[str]] = defaultdict(list)
    for item_id, gs in grams.items():
        for g in gs & common:
            owners[g].append(item_id)
    shared: Counter = Counter()
    for ids in owners.values():
        if len(ids) > 1:
            shared.update(combinations(ids, 2))
    for (a, b), n in sorted(shared.items()):
        overlap = n / min(len(grams[a]), len(grams[b]))
        if overlap > cfg["max_overlap"]:
            item = lib.get(b)
            out.append(_problem(item, 1, f"{overlap:.0%} of its text also stands in {lib.get(a).path.relative_to(ctx['root'])}",
                                "the two read as the same lesson; make each its own", "near-duplicate"))
    return out


def rule_activity_reuse(lib: Library, ctx) -> list[Problem]:
    """Within a grade no warm-up (first step) or main activity (longest step) is used twice."""
    out = []
    seen: dict[tuple[int, str], tuple[Item, int]] = {}
    for item in lib.lessons:
        steps = item.steps
        if not steps or any(s.minutes is None for s in steps):
            continue
        main = max(steps, key=lambda s: s.minutes)
        for role, step in (("warm-up", steps[0]), ("main activity", main)):
            key = (item.meta.grade, re.sub(r"\s", "", step.activity))
            if key in seen and seen[key][0].id != item.id:
                other, line = seen[key]
                out.append(_problem(item, step.line, f"{role} '{step.activity}' is already used in grade {item.meta.grade} by {other.path.relative_to(ctx['root'])}:{line}",
                                    "choose a different activity: within a grade each warm-up and main activity is used once", "activity-reuse"))
            else:
                seen.setdefault(key, (item, step.line))
    return out


def rule_characters(lib: Library, ctx) -> list[Problem]:
    """Fictional names (front matter `characters`): each is used in the text, and no name is
    used in more than `character_name_max` lessons and 班会微课 of the library."""
    limit = data.config()["character_name_max"]
    items = lib.lessons + lib.classmeetings
    out = []
    users: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        names = getattr(item.meta, "characters", None) or []
        body = item.doc.body
        for name in names:
            if name not in body:
                out.append(_problem(item, item.doc.line_of("characters"), f"characters lists '{name}', who is not in the text",
                                    "remove the name from characters, or correct its spelling", "characters"))
            users[name].append(item)
    for name, its in users.items():
        if len(its) > limit:
            for item in its[limit:]:
                others = ", ".join(i.id for i in its[:limit])
                out.append(_problem(item, item.doc.line_of("characters"), f"the name '{name}' is already used in {limit} lessons ({others})",
                                    f"give this character another name: a fictional name appears in at most {limit} lessons", "characters"))
    return out


def _char_pairs(text: str) -> set[str]:
    t = re.sub(r"[\W\d_a-zA-Z]+", "", text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _dice(a: str, b: str) -> float:
    x, y = _char_pairs(a), _char_pairs(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _signature_steps(item: Item):
    """(role, step) of a lesson's opener (first step) and main activity (longest step)."""
    steps = [s for s in item.steps if s.minutes is not None]
    if not steps:
        return []
    return [("opener", steps[0]), ("main activity", max(steps, key=lambda s: s.minutes))]


def rule_activity_across_grades(lib: Library, ctx) -> list[Problem]:
    """A student meets an opener or main activity in one grade only. Two ways to find a repeat:
    a phrase of a signature activity (data/activities.yml) in another grade's opener or main
    step, and activity names of two grades that share most of their character pairs
    (config activity_name_similarity). A lesson that lists the earlier lesson in `revisits`
    (and says in 设计依据 what is new) may build on it."""
    threshold = data.config()["activity_name_similarity"]
    lessons = lib.lessons
    by_id = {i.id: i for i in lessons}
    out = []
    for entry in data.activities():
        owner = by_id.get(entry["owner"])
        if owner is None and lib.root is not None:
            continue        # another tree (a test fixture): the registry describes the project
        if owner is None:
            out.append(Problem(DATA / "activities.yml", 1, f"signature activity '{entry['name']}' names owner '{entry['owner']}', which is not a lesson",
                               "correct the owner id", "error", "activity-reuse"))
            continue
        for item in lessons:
            if item.meta.grade == owner.meta.grade or owner.id in item.meta.revisits:
                continue
            for role, step in _signature_steps(item):
                hit = next(((n, p) for n, t in step.lines for p in entry["match"] if p in t), None)
                if hit:
                    out.append(_problem(item, hit[0], f"{role} uses '{hit[1]}': {entry['name']} belongs to grade {owner.meta.grade} ({owner.id})",
                                        f"give this grade its own activity, or add revisits: [{owner.id}] and say in 设计依据 what is new", "activity-reuse"))
                    break
    # Names of two grades' activities that share most of their character pairs. Each pair with a
    # Dice coefficient ≥ threshold shares a character pair among the rarest of each name's pairs
    # (prefix filtering), so only names sharing one of those are compared: linear in the library
    # instead of every name against every other.
    entries = [(item, role, step, _char_pairs(step.activity)) for item in lessons for role, step in _signature_steps(item)]
    freq = Counter(p for *_, pairs in entries for p in pairs)
    index: dict[str, list[int]] = defaultdict(list)
    for k, (item, role, step, pairs) in enumerate(entries):
        ordered = sorted(pairs, key=lambda p: (freq[p], p))
        need = max(1, math.ceil(threshold * len(ordered) / (2 - threshold) - 1e-9))
        prefix = ordered[:max(0, len(ordered) - need + 1)]
        candidates = sorted({j for p in prefix for j in index.get(p, ())})
        for j in candidates:
            other, other_role, other_step, other_pairs = entries[j]
            if other.meta.grade == item.meta.grade or other.id in item.meta.revisits or item.id in other.meta.revisits:
                continue
            if 2 * len(pairs & other_pairs) / (len(pairs) + len(other_pairs)) >= threshold:
                out.append(_problem(item, step.line, f"{role} '{step.activity}' repeats grade {other.meta.grade}'s '{other_step.activity}' ({other.id})",
                                    f"give this grade its own activity, or add revisits: [{other.id}] and say in 设计依据 what is new", "activity-reuse"))
        for p in prefix:
            index[p].append(k)
    return out


def rule_schedule(lib: Library, ctx) -> list[Problem]:
    """One schedule: suggested weeks of one grade and semester do not overlap, and on the default
    calendar every lesson has a lesson day within its suggested weeks (so the grade page, the
    lesson pages, the plan and the pack show the same order and weeks)."""
    from . import planner
    out = []
    groups: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in lib.lessons:
        groups[(item.meta.grade, item.meta.semester)].append(item)
    for (grade, sem), lessons in groups.items():
        for a, b in planner.overlaps(lessons):
            out.append(_problem(b, b.doc.line_of("weeks"), f"suggested weeks {planner.weeks_text(b)} overlap {a.id}'s {planner.weeks_text(a)}",
                                "give each lesson of a grade and semester its own weeks (scripts/fix_schedule.py proposes them)", "schedule"))
    try:
        cal = planner.load_calendar()
    except planner.PlanError as exc:
        return out + [Problem(planner.DEFAULT_CALENDAR, 1, str(exc), "correct the default calendar", "error", "schedule")]
    for (grade, sem), lessons in groups.items():
        try:
            p = planner.plan(lib, grade, sem, cal)
        except planner.PlanError:
            continue        # the calendar has no such semester (a test fixture): nothing to compare
        for lesson, why in p.moved:
            out.append(_problem(lesson, lesson.doc.line_of("weeks"), f"suggested weeks {planner.weeks_text(lesson)} have no lesson day on the default calendar: {why}",
                                "move the lesson to weeks with a lesson day (scripts/fix_schedule.py proposes them)", "schedule"))
        for lesson in p.unplaced:
            out.append(_problem(lesson, lesson.doc.line_of("weeks"), "no lesson day is left for this lesson on the default calendar",
                                "the semester has more lessons than lesson days; move one to the other semester", "schedule"))
    return out


def rule_tags(lib: Library, ctx) -> list[Problem]:
    """Tags come from the curated list (data/tags.yml); a near-duplicate names the tag to use."""
    allowed, aliases = data.tags()
    out = []
    for item in lib.items:
        for tag in item.meta.tags:
            if tag in allowed:
                continue
            if tag in aliases:
                msg, fix = f"tag '{tag}' is merged into '{aliases[tag]}'", f"write '{aliases[tag]}' (scripts/merge_tags.py does it for the whole library)"
            else:
                msg, fix = f"tag '{tag}' is not in the curated list", "use a tag from data/tags.yml, or add it there if no tag says it"
            out.append(_problem(item, item.doc.line_of("tags"), msg, fix, "tags"))
    return out


LIBRARY_RULES = [rule_schedule, rule_tags, rule_unique_ids, rule_near_duplicates, rule_activity_reuse, rule_characters, rule_activity_across_grades]


RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z!]")
TITLE_MARKUP = re.compile(r"[|*\[\]]")


def rule_plain_text(item: Item, ctx) -> list[Problem]:
    """Titles, summaries and tags are plain text: they land in tables, links, headings and the
    page head, so raw HTML there (and |, *, [ ] in a title) is refused."""
    out = []
    fields = [("title", item.meta.title), ("title_en", item.meta.title_en), ("summary", item.meta.summary)]
    fields += [("tags", tag) for tag in getattr(item.meta, "tags", [])]
    for key, value in fields:
        if not value:
            continue
        m = RAW_HTML.search(value)
        if m:
            out.append(_problem(item, item.doc.line_of(key), f"'{key}' contains HTML ('{value[m.start():m.start() + 12]}…')",
                                "write it as plain text, without < >", "plain-text"))
        elif key.startswith("title") and TITLE_MARKUP.search(value):
            out.append(_problem(item, item.doc.line_of(key), f"'{key}' contains '{TITLE_MARKUP.search(value).group(0)}', which is table or link markup",
                                "leave out | * [ ] (use full-width ｜ ＊ 【 】 if you need them)", "plain-text"))
    return out


ITEM_RULES.append(rule_plain_text)


# --------------------------------------------------------------------------- data files and site pages

def check_contacts(path: Path | None = None) -> list[Problem]:
    path = path or DATA / "contacts.yml"
    text = path.read_text(encoding="utf-8")
    node = yaml.compose(text)
    entries = yaml.safe_load(text) or []
    out = []
    for entry, n in zip(entries, node.value if node else []):
        line = n.start_mark.line + 1
        if not entry.get("verified"):
            for key in ("phone", "email", "url"):
                if entry.get(key):
                    out.append(Problem(path, line, f"contact '{entry.get('id')}' has a {key} but no 'verified' source",
                                       f"verify it and fill in verified: {{source, date}}, or set {key}: null", rule="contacts"))
    return out


def check_docs(docs: Path = DOCS) -> list[Problem]:
    """Hand-written site pages: both languages exist, and the same safety rules hold."""
    out = []
    if not docs.is_dir():
        return out
    for page in sorted(docs.rglob("*.md")):
        rel = page.relative_to(docs).as_posix()
        if not re.search(r"\.[a-z]{2}\.md$", page.name):
            en = page.with_name(page.stem + ".en.md")
            if not en.exists():
                out.append(Problem(page, 1, f"site page {rel} has no English version",
                                   f"add {en.relative_to(docs.parent).as_posix()}: every non-lesson page exists in both languages", rule="translation"))
        try:
            lines = list(enumerate(read_text(page).split("\n"), start=1))
        except UserError as exc:
            out.append(Problem(page, 1, str(exc).removeprefix(f"{page}: "), rule="encoding"))
            continue
        make = lambda n, msg, fix, rule, page=page: Problem(page, n, msg, fix, "error", rule)
        out.extend(safety_problems(page, lines, False, make))
    return out


# --------------------------------------------------------------------------- entry point

def _stamps(folder: Path) -> tuple:
    return tuple(sorted((str(p), file_stamp(p)) for p in folder.rglob("*") if p.is_file())) if folder.is_dir() else ()


def check(lib: Library | None = None, root: Path | None = None, docs: Path | None = None,
          item_cache: dict | None = None) -> list[Problem]:
    """Every finding for the library. `item_cache` (kept by the caller between runs, as the
    development server does) holds each item's own findings under a key of what they depend
    on: its file and translation, the site's pages, the ids, the data files and drawings. Only
    items whose key changed are checked again; the library-wide rules always run."""
    root = root or (lib.root if lib is not None else None) or ROOT
    lib = lib or load(None if root == ROOT else root)
    docs = docs or (DOCS if root == ROOT else root / "docs")
    ctx = {"root": root, "lib": lib, "pages": _generated_pages(lib) | _docs_pages(docs)}
    problems = list(lib.problems)
    context_key = None
    if item_cache is not None:
        context_key = hash((frozenset(ctx["pages"]), frozenset((i.id, i.kind) for i in lib.items),
                            _stamps(root / "data"), _stamps(root / "lessons" / "drawings")))
    live = set()
    for item in lib.items:
        key = None
        if item_cache is not None:
            key = (item.path, file_stamp(item.path), file_stamp(item.path.with_name(f"{item.path.stem}.en.md")), context_key)
            live.add(key)
            if key in item_cache:
                problems.extend(item_cache[key])
                continue
        found = [p for rule in ITEM_RULES for p in rule(item, ctx)]
        if key is not None:
            item_cache[key] = found
        problems.extend(found)
    if item_cache is not None:       # forget items since changed or removed
        for key in [k for k in item_cache if k not in live]:
            del item_cache[key]
    for rule in LIBRARY_RULES:
        problems.extend(rule(lib, ctx))
    if root == ROOT:
        from .search import check_vocabulary
        from .training import check_paths
        problems.extend(check_contacts())
        problems.extend(check_paths(lib))
        problems.extend(check_vocabulary(ctx["pages"]))
    problems.extend(check_docs(docs))
    problems.extend(check_drawings(root))
    return sorted(problems, key=lambda p: (p.level != "error", str(p.path), p.line))
