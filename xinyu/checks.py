"""The checker: every rule the content must pass, each reporting `path:line: problem — fix`.

`check(library)` returns a list of Problems. Errors stop the site build; warnings do not.
Rules are small functions registered in RULES, so each is easy to find, test and explain.
"""
from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from itertools import chain, combinations
from pathlib import Path

import yaml

from . import data
from .content import Item, Library, Problem, load
from .model import TIMED_SECTION, required_sections
from .paths import DATA, DOCS, ROOT
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
        if s.title in required and s.title != "教学目标" and len(re.sub(r"\s", "", s.text)) < 15:
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
    field = {"lesson": "duration", "parent": "session_minutes", "training": "hours × 60"}[item.kind]
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
    for n, t in _text_lines(item):
        for m in EXTERNAL.finditer(t):
            out.append(_problem(item, n, f"web address or e-mail '{m.group(0)}' in the text",
                                "remove it: the site works offline and contacts live only in data/contacts.yml", "no-external"))
    return out


def rule_help_link(item: Item, ctx) -> list[Problem]:
    if item.meta.sensitivity == "standard":
        return []
    where = {"lesson": "安全提示", "parent": "需要帮助时"}.get(item.kind)
    section = item.doc.section(where) if where else None
    text = section.text if section else item.doc.body
    if not re.search(rf"\]\((\.\./)*{re.escape(HELP_PAGE)}(#[^)]*)?\)", text):
        line = section.line if section else item.doc.body_start
        rel = posixpath.relpath(HELP_PAGE, posixpath.dirname(item.src_uri))
        return [_problem(item, line, f"sensitivity is '{item.meta.sensitivity}' but {'## ' + where if where else 'the page'} does not link the help page",
                         f"add [求助资源]({rel})", "help-link")]
    return []


def rule_life_sensitivity(item: Item, ctx) -> list[Problem]:
    if item.kind == "lesson" and "life" in item.meta.topics and item.meta.sensitivity != "high":
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
    student_facing = item.kind in ("lesson", "parent")
    make = lambda n, msg, fix, rule: _problem(item, n, msg, fix, rule)
    return safety_problems(item.path, _text_lines(item), student_facing, make)


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


ITEM_RULES = [rule_placeholders, rule_location, rule_duration, rule_sections, rule_timing, rule_lesson_parts, rule_parent_parts,
              rule_training_parts, rule_links, rule_no_external, rule_help_link, rule_life_sensitivity, rule_safety,
              rule_translation]


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


def rule_near_duplicates(lib: Library, ctx) -> list[Problem]:
    cfg = data.config()["near_duplicate"]
    k = cfg["shared_run_chars"]
    items = lib.of("lesson") + lib.of("parent")
    texts = {i.id: _normalised(i) for i in items}
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


LIBRARY_RULES = [rule_unique_ids, rule_near_duplicates, rule_activity_reuse]


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

def check(lib: Library | None = None, root: Path | None = None, docs: Path | None = None) -> list[Problem]:
    root = root or (lib.root if lib is not None else None) or ROOT
    lib = lib or load(None if root == ROOT else root)
    docs = docs or (DOCS if root == ROOT else root / "docs")
    ctx = {"root": root, "pages": _generated_pages(lib) | _docs_pages(docs)}
    problems = list(lib.problems)
    for item in lib.items:
        for rule in ITEM_RULES:
            problems.extend(rule(item, ctx))
    for rule in LIBRARY_RULES:
        problems.extend(rule(lib, ctx))
    if root == ROOT:
        from .training import check_paths
        problems.extend(check_contacts())
        problems.extend(check_paths(lib))
    problems.extend(check_docs(docs))
    return sorted(problems, key=lambda p: (p.level != "error", str(p.path), p.line))
