"""Markdown for the pages the site builds from the content: lesson, parent and training pages,
the grade and topic indexes, and the lists that hand-written pages embed with a marker.

Pure functions of the Library; the MkDocs hook (hooks/site.py) only places their output.
Every function takes `lang` ("zh" or "en") and returns Markdown.
"""
from __future__ import annotations

import posixpath
import html
import re

import yaml
from markupsafe import escape

from . import data
from . import escape as esc
from .content import Item, Library
from .drawing import RUBY
from .drawing import FOLDER as DRAWINGS
from .drawing import folder as drawing_folder
from .worksheet import Worksheet

LANGS = ("zh", "en")
HELP = "help.md"


@data.cached
def strings() -> dict:
    return data.load_yaml("strings.yml")


def t(lang: str, key: str, **kw) -> str:
    value = strings()[lang][key]
    return value.format(**kw) if kw else value


def md_text(text: str) -> str:
    """Text from a content file inside Markdown, a table cell or a link's words (xinyu.escape)."""
    return esc.md_cell(text)


def join(lang: str, parts) -> str:
    """A list in the language's way: 甲、乙 / A, B (data/strings.yml, list_sep)."""
    return t(lang, "list_sep").join(parts)


def zh_run(text: str, lang: str) -> str:
    """Chinese words inside an English page (a clause of the plan, a quoted phrase), marked as
    Chinese so that they are set and read as Chinese."""
    return text if lang == "zh" else f'<span lang="zh-Hans">{text}</span>'


def rel(from_uri: str, to_uri: str) -> str:
    """Relative link from one docs-space page to another."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)     # libyaml when available: much faster


def _front(meta: dict) -> str:
    meta = {k: ([esc.page_meta(x) for x in v] if isinstance(v, list) else esc.page_meta(v)) if k in ("title", "description", "tags") else v
            for k, v in meta.items()}
    return "---\n" + yaml.dump(meta, Dumper=DUMPER, allow_unicode=True, sort_keys=False) + "---\n\n"


def _weeks(weeks: list[int], lang: str) -> str:
    w = sorted(weeks)
    span = f"{w[0]}–{w[-1]}" if len(w) > 1 and w[-1] - w[0] == len(w) - 1 else join(lang, map(str, w))
    return t(lang, "week_n", weeks=span)


def title_of(item: Item, lang: str) -> str:
    if lang == "en" and item.meta.title_en:
        return item.meta.title_en
    return item.meta.title


def _admonition(kind: str, title: str, text: str) -> str:
    body = "\n".join("    " + line for line in text.split("\n"))
    return f'!!! {kind} "{title}"\n\n{body}\n\n'


def help_box(src_uri: str, lang: str) -> str:
    text = t(lang, "help_box", help=rel(src_uri, HELP))
    school = data.profile()
    if school and school.room:
        r = school.room
        phone = f"{t(lang, 'semicolon')}{r['phone'][lang]}" if r.get("phone") else ""
        line = t(lang, "school_help_box", place=esc.md_inline(r["place"][lang]), hours=esc.md_inline(r["hours"][lang]), phone=esc.md_inline(phone))
        text = f"[{line}]({rel(src_uri, HELP)}#{SCHOOL_ANCHOR})\n\n{text}"
    return _admonition("tip", t(lang, "help_box_title"), text)


SCHOOL_ANCHOR = "school-contacts"
# “告诉班主任和心理老师”: in a school's edition the words 心理老师/心理教师 in a safety note link to
# the school's contacts on the help page.
TELL_TEACHER = re.compile(r"(告诉班主任[^。；\n]{0,6}?)((?:学校)?心理(?:教师|老师))")


def link_school_contacts(text: str, src_uri: str) -> str:
    target = f"{rel(src_uri, HELP)}#{SCHOOL_ANCHOR}"
    out = []
    for line in text.split("\n"):
        if "](" in line and TELL_TEACHER.search(line) and re.search(r"\[[^\]]*心理(?:教师|老师)[^\]]*\]\(", line):
            out.append(line)         # already a link
        else:
            out.append(TELL_TEACHER.sub(lambda m: f"{m.group(1)}[{m.group(2)}]({target})", line))
    return "\n".join(out)


DOWNLOAD = re.compile(r'(href|src)="xinyu-download:([^"]+)"')


def download_link(path: str, text: str) -> str:
    """A link to a file the build exports (Word files, packs). They are written after the pages,
    so the link is made relative to its page when the page is written (see hooks/site.py)."""
    return f'<a href="xinyu-download:{path}" download>{text}</a>'


def download_button(path: str, text: str, primary: bool = False) -> str:
    cls = "md-button md-button--primary" if primary else "md-button"
    return f'<a class="{cls}" href="xinyu-download:{path}" download>{escape(text)}</a>'


def lesson_downloads(item: Item, lang: str) -> str:
    """The download buttons of a lesson or 班会微课 (files made by xinyu.export): the Word 教案,
    each 学习单, the 课件 and the semester pack. One block of HTML for the first screen."""
    from .export import classmeeting_docx_uri, lesson_docx_uri, pack_uri, slides_uri, worksheet_docx_uri
    if item.kind == "classmeeting":
        links = [download_button(classmeeting_docx_uri(item), t(lang, "word_classmeeting_short"), primary=True)]
    else:
        links = [download_button(lesson_docx_uri(item), t(lang, "word_lesson_short"), primary=True)]
        links += [download_button(worksheet_docx_uri(item, n), t(lang, "word_worksheet", n=n))
                  for n in range(1, len(item.worksheets) + 1)]
        if item.format == 2:
            links.append(download_button(slides_uri(item), t(lang, "slides")))
    links.append(download_button(pack_uri(item.meta.grade, item.meta.semester), t(lang, "pack_short")))
    label = escape(t(lang, "download"))
    return f'<p class="xy-downloads" role="group" aria-label="{label}">' + " ".join(links) + "</p>"


def breadcrumb(item: Item, lang: str) -> str:
    """学段 › 年级 › 学期 above a lesson's title, each a link (Markdown links, so that MkDocs
    makes them right for the served and the offline site)."""
    m, src = item.meta, item.src_uri
    stage = data.stage_of_grade(m.grade)
    grade = rel(src, grade_uri(m.grade))
    crumbs = [(data.label("stages", stage, lang), rel(src, "lessons/index.md")),
              (data.label("grades", m.grade, lang), grade),
              (data.label("semesters", m.semester, lang), f"{grade}#{m.semester}")]
    links = ' <span aria-hidden="true">›</span> '.join(f"[{md_text(n)}]({u})" for n, u in crumbs)
    return f'<nav class="xy-crumbs" aria-label="{escape(t(lang, "breadcrumb"))}" markdown="span">{links}</nav>'


def ruby_html(text: str) -> str:
    """Escaped text with 拼音 marks {汉字|hàn zì} as <ruby>."""
    return RUBY.sub(r"<ruby>\1<rt>\2</rt></ruby>", str(escape(text)))


def worksheet_html(item: Item, n: int, ws: Worksheet, lang: str, downloads: bool = False) -> str:
    """A 学习单 as a card that prints on its own A4 page (print.css), every text escaped.

    One block of HTML with no blank line, so that Markdown passes it through untouched."""
    e = ruby_html
    label = t(lang, "worksheet_n", n=n)
    bar = [f'<span class="xy-ws-label">{e(label)}</span>',
           f'<button type="button" class="md-button xy-ws-print" data-target="worksheet-{n}">{e(t(lang, "print_worksheet"))}</button>']
    if downloads:
        from .export import worksheet_docx_uri
        bar.append(download_link(worksheet_docx_uri(item, n), e(t(lang, "word_worksheet", n=n))))
    young = " xy-ws-young" if item.meta.grade in (1, 2, 3) else ""
    out = [f'<section class="xy-ws{young}" id="worksheet-{n}" aria-label="{escape(label)}{escape(t(lang, "colon"))}{escape(ws.title)}">',
           '<div class="xy-ws-bar">' + " ".join(bar) + "</div>",
           f'<p class="xy-ws-title">{e(ws.title)}</p>',
           f'<p class="xy-ws-lesson">{e(item.meta.title)}</p>']
    if ws.intro:
        out.append(f'<p class="xy-ws-intro">{e(ws.intro)}</p>')
    k = 0
    for it in ws.items:
        if it.kind == "text":
            out.append(f'<p class="xy-ws-text">{e(it.text)}</p>')
            continue
        k += 1
        prompt = f' {e(it.prompt)}' if it.prompt else ""
        out.append(f'<div class="xy-ws-item"><p class="xy-ws-prompt"><span class="xy-ws-num">{k}.</span>{prompt}</p>')
        if it.kind == "lines":
            out.append('<div class="xy-ws-lines">' + '<span class="xy-ws-line"></span>' * it.lines + "</div>")
        elif it.kind == "box":
            out.append(f'<div class="xy-ws-box xy-h{it.box}"></div>')
        elif it.kind == "drawing":
            alt = escape(RUBY.sub(r"\1", it.prompt or ws.title))
            out.append(f'<div class="xy-ws-drawing xy-h{it.drawing_lines}"><img src="xinyu-download:{DRAWINGS}/{it.drawing}" alt="{alt}"></div>')
        elif it.kind == "choices":
            out.append('<ul class="xy-ws-choices">' + "".join(f"<li>{e(c)}</li>" for c in it.choices) + "</ul>")
        else:
            head = "".join(f'<th scope="col">{e(c)}</th>' for c in it.table.columns)
            row = "<tr>" + "<td></td>" * len(it.table.columns) + "</tr>"
            out.append(f'<table class="xy-ws-table"><thead><tr>{head}</tr></thead><tbody>{row * it.table.rows}</tbody></table>')
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def topic_uri(code: str) -> str:
    return f"topics/{code}.md"


def grade_uri(grade: int) -> str:
    return f"lessons/grade-{grade:02d}/index.md"


# --------------------------------------------------------------------------- item pages

def _position(item: Item, lib: Library, lang: str) -> str:
    """Where a lesson sits in its semester: "秋季学期第3课（共10课） · 上一课 … · 下一课 …"."""
    m, src = item.meta, item.src_uri
    seq = lib.semester_lessons(m.grade, m.semester)
    n = seq.index(item)
    overview = lib.overview(m.grade, m.semester)
    where = t(lang, "position_n", semester=data.label("semesters", m.semester, lang), n=n + 1, total=len(seq))
    if overview:
        where = f"[{where}]({rel(src, overview.src_uri)})"
    parts = [where]
    for key, other in (("previous", n - 1), ("next", n + 1)):
        if 0 <= other < len(seq):
            parts.append(f"{t(lang, key)}{t(lang, 'colon')}[{esc.md_cell(title_of(seq[other], lang))}]({rel(src, seq[other].src_uri)})")
    return "<br>".join(parts)


def _card(item: Item, lang: str, lib: Library | None = None) -> str:
    m, src = item.meta, item.src_uri
    rows: list[tuple[str, str]] = []
    if item.kind == "lesson":
        grade = f"[{data.label('grades', m.grade, lang)}]({rel(src, grade_uri(m.grade))})"
        rows.append((t(lang, "grade"), f"{grade} · {data.label('semesters', m.semester, lang)} · {_weeks(m.weeks, lang)}"))
        if lib is not None:
            rows.append((t(lang, "position"), _position(item, lib, lang)))
        rows.append((t(lang, "duration"), t(lang, "minutes", n=m.duration)))
        rows.append((t(lang, "topics"), " · ".join(f"[{data.label('topics', c, lang)}]({rel(src, topic_uri(c))})" for c in m.topics)))
        if m.moment:
            rows.append((t(lang, "moment"), data.label("moments", m.moment, lang)))
        if m.focus:
            rows.append((t(lang, "focus"), " · ".join(data.label("focus", c, lang) for c in m.focus)))
        rows.append((t(lang, "methods"), " · ".join(data.label("methods", c, lang) for c in m.methods)))
        rows.append((t(lang, "slots"), " · ".join(data.label("slots", c, lang) for c in m.slots)))
    elif item.kind == "classmeeting":
        grade = f"[{data.label('grades', m.grade, lang)}]({rel(src, grade_uri(m.grade))})"
        rows.append((t(lang, "grade"), f"{grade} · {data.label('semesters', m.semester, lang)} · {_weeks(m.weeks, lang)}"))
        rows.append((t(lang, "duration"), t(lang, "minutes", n=m.duration)))
        rows.append((t(lang, "led_by"), t(lang, "head_teacher")))
        rows.append((t(lang, "topics"), " · ".join(f"[{data.label('topics', c, lang)}]({rel(src, topic_uri(c))})" for c in m.topics)))
        if m.moment:
            rows.append((t(lang, "moment"), data.label("moments", m.moment, lang)))
    elif item.kind == "parent":
        rows.append((t(lang, "parent_stage"), data.label("parent_stages", m.stage, lang)))
        rows.append((t(lang, "parent_semester"), data.label("parent_semesters", m.semester, lang)))
        rows.append((t(lang, "topics"), " · ".join(data.label("parent_topics", c, lang) for c in m.topics)))
        rows.append((t(lang, "reading"), t(lang, "minutes", n=m.reading_minutes)))
        rows.append((t(lang, "session"), t(lang, "minutes", n=m.session_minutes)))
        rows.append((t(lang, "for_schools"), f"[{t(lang, 'session_link')}]({rel(src, session_uri(item))}) · "
                                               f"[{t(lang, 'handout_link')}]({rel(src, handout_uri(item))})"))
    else:
        rows.append((t(lang, "roles"), " · ".join(data.label("roles", c, lang) for c in m.roles)))
        rows.append((t(lang, "types"), " · ".join(data.label("training_types", c, lang) for c in m.types)))
        rows.append((t(lang, "hours"), t(lang, "hours_n", n=f"{m.hours:g}")))
        rows.append((t(lang, "topics"), " · ".join(data.label("training_topics", c, lang) for c in m.topics)))
    if m.requirements and item.kind != "parent":       # parents read plain words, not the plan's codes
        rows.append((t(lang, "requirements"), " · ".join(f"[{r}]({rel(src, 'policy.md')}#{r.lower()})" for r in m.requirements)))
    if m.sensitivity != "standard" and item.kind != "parent":
        rows.append((t(lang, "sensitivity"), data.label("sensitivity", m.sensitivity, lang)))
    lines = ["| | |", "|---|---|"] + [f"| **{k}** | {v} |" for k, v in rows]
    return "\n".join(lines) + "\n\n"


def _fill_body(item: Item, lang: str, downloads: bool = False) -> str:
    """The body as written, with front-matter objectives, materials and 课型 placed in their
    sections, and each ```worksheet block shown as a printable card."""
    m = item.meta
    blocks = {b.line: (n, b) for n, b in enumerate(item.worksheet_blocks, start=1)}
    out = []
    skip_to = 0
    for number, line in item.doc.body_lines():
        if number <= skip_to:
            continue
        if number in blocks:
            n, block = blocks[number]
            skip_to = block.end
            if block.worksheet is not None:
                out += ["", worksheet_html(item, n, block.worksheet, lang, downloads), ""]
            continue
        out.append(line)
        if item.kind not in ("lesson", "classmeeting"):
            continue
        if line.strip() in ("## 教学目标", "## 活动目标"):
            o = m.objectives
            out += ["", f"- **{t('zh', 'objectives')['cognitive']}**：{o.cognitive}",
                    f"- **{t('zh', 'objectives')['affective']}**：{o.affective}",
                    f"- **{t('zh', 'objectives')['behavioural']}**：{o.behavioural}"]
        elif line.strip() in ("## 教学准备", "## 活动准备") and m.materials:
            out += ["", f"**{t('zh', 'materials')}**：", ""] + [f"- {x}" for x in m.materials]
        elif line.strip() == "## 设计依据" and getattr(m, "lesson_type", None):
            out += ["", f"**{t('zh', 'lesson_type')}**：{m.lesson_type}"]
    body = "\n".join(out)
    if data.profile() is not None and item.kind in ("lesson", "classmeeting"):
        head, sep, rest = body.partition("## 安全提示")
        if sep:
            body = head + sep + link_school_contacts(rest, item.src_uri)
    kept, left = _fitted(item)
    for step in left:
        body = re.sub(rf"^### {re.escape(step.title)}\s*$", lambda _m, s=step: f"### {s.title}\n\n*（{t('zh', 'short_period_step')}）*", body, count=1, flags=re.M)
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S)


def _fitted(item: Item) -> tuple[list, list]:
    """(kept, left out) steps when the school's period is shorter than the lesson; else ([], [])."""
    from . import profile
    period = profile.shortened(item)
    if period is None or item.format != 2:
        return [], []
    return profile.fit(item, period)


def short_period_note(item: Item, lang: str) -> str:
    """What to teach when the school's period is shorter than the lesson (format 2 marks 核心)."""
    from . import profile
    period = profile.shortened(item)
    if period is None:
        return ""
    title = t(lang, "short_period_title", period=period, duration=item.meta.duration)
    if item.format != 2:
        return _admonition("note", title, t(lang, "short_period_format1"))
    kept, left = profile.fit(item, period)
    name = lambda s: f"{esc.md_inline(s.name)}（{s.minutes}分钟）" if lang == "zh" else f"{esc.md_inline(s.name)} ({s.minutes} min)"
    sep = "、" if lang == "zh" else ", "
    text = t(lang, "short_period_kept", period=period, minutes=sum(s.minutes or 0 for s in kept), steps=sep.join(map(name, kept)))
    text += "\n\n" + (t(lang, "short_period_left", steps=sep.join(map(name, left))) if left else t(lang, "short_period_none"))
    return _admonition("note", title, text)


def render_overview(item: Item, lib: Library, lang: str) -> str:
    """A grade's semester overview: aims, the ordered lessons, how they build on each other."""
    m, src = item.meta, item.src_uri
    title = title_of(item, lang)
    parts = [_front({"title": title}), f"# {esc.md_inline(title)}\n\n"]
    if lang == "en":
        parts.append(_admonition("note", t(lang, "untranslated_title"), t(lang, "untranslated_note")))
    body = item.doc.section("本学期目标").own_text.strip()
    parts.append(f"## {t(lang, 'aims')}\n\n" + (f'<div lang="zh-Hans" markdown>\n\n{body}\n\n</div>' if lang == "en" else body) + "\n\n")
    parts.append(f"## {t(lang, 'sequence')}\n\n")
    parts.append(_lesson_rows(lib.semester_lessons(m.grade, m.semester), src, lang, numbered=True))
    story = item.doc.section("课程脉络").own_text.strip()
    parts.append(f"## {t(lang, 'how_they_build')}\n\n" + (f'<div lang="zh-Hans" markdown>\n\n{story}\n\n</div>' if lang == "en" else story) + "\n\n")
    return "".join(parts)


# A parent module has three faces: the reading page for parents (parents/<id>/), the session
# plan a school runs as 家长学校 (parents/<id>-session/) and the one-page handout (parents/<id>-handout/).
SESSION_FROM = "家长学校活动方案"


def session_uri(item: Item) -> str:
    return f"parents/{item.id}-session.md"


def handout_uri(item: Item) -> str:
    return f"parents/{item.id}-handout.md"


def _parent_parts(item: Item) -> tuple[str, str, str]:
    """(reading page, session plan with questions parents ask, handout) of a parent module's body."""
    body = _fill_body(item, "zh")
    reading, _, rest = body.partition(f"## {SESSION_FROM}")
    handout = item.doc.section("一页讲义")
    session = f"## {SESSION_FROM}" + rest.split("## 一页讲义")[0]
    return reading.strip(), session.strip(), handout.own_text.strip() if handout else ""


def _chinese(text: str, lang: str) -> str:
    """Chinese content: as it is on the Chinese site, marked and explained on the English one."""
    if lang == "zh":
        return text.strip() + "\n\n"
    return (_admonition("note", t(lang, "untranslated_title"), t(lang, "untranslated_note"))
            + f'<div lang="zh-Hans" markdown data-search-exclude>\n\n{text.strip()}\n\n</div>\n\n')


def render_parent_extra(item: Item, face: str, lang: str) -> str:
    """The session-plan or handout page of a parent module."""
    uri = session_uri(item) if face == "session" else handout_uri(item)
    title = f"{title_of(item, lang)}{t(lang, 'session_title' if face == 'session' else 'handout_title')}"
    _, session, handout = _parent_parts(item)
    front = {"title": title, "description": item.meta.summary}
    if face == "handout":
        front["search"] = {"exclude": True}      # the handout repeats the reading page
    parts = [_front(front), f"# {esc.md_inline(title)}\n\n"]
    parts.append(f"[{t(lang, 'back_to_module')}]({rel(uri, item.src_uri)})\n\n")
    if face == "session":
        parts.append(t(lang, "session_intro", minutes=item.meta.session_minutes) + "\n\n")
        parts.append(_chinese(session, lang))
    else:
        parts.append(_chinese(handout, lang))
        parts.append(t(lang, "handout_help") + "\n\n")
    parts.append(help_box(uri, lang))
    return "".join(parts)


def _parent_details(item: Item, lang: str) -> str:
    """A parent module's details, after the reading, folded: in plain words, no plan codes."""
    m, src = item.meta, item.src_uri
    rows = [(t(lang, "parent_stage"), data.label("parent_stages", m.stage, lang)),
            (t(lang, "parent_semester"), data.label("parent_semesters", m.semester, lang)),
            (t(lang, "topics"), join(lang, (data.label("parent_topics", c, lang) for c in m.topics))),
            (t(lang, "reading"), t(lang, "minutes", n=m.reading_minutes)),
            (t(lang, "for_schools"), f"[{t(lang, 'session_link')}]({rel(src, session_uri(item))}) · "
                                     f"[{t(lang, 'handout_link')}]({rel(src, handout_uri(item))})")]
    body = "\n".join(f"- **{k}**{t(lang, 'colon')}{v}" for k, v in rows)
    return _admonition("info", t(lang, "about_module"), body).replace("!!! info", "??? info", 1)


def render_item(item: Item, lang: str, lib: Library | None = None) -> str:
    """An item's page; made once per library and language (the coverage report reads the pages too)."""
    if lib is None:
        return _render_item(item, lang, lib)
    made = lib.__dict__.setdefault("_rendered", {})
    key = (item.src_uri, lang, lib.downloads)
    if key not in made:
        made[key] = _render_item(item, lang, lib)
    return made[key]


def _render_item(item: Item, lang: str, lib: Library | None = None) -> str:
    """The page for one lesson, parent module or training unit, in `lang`."""
    if item.kind == "overview":
        return render_overview(item, lib, lang)
    m = item.meta
    tags = [data.label("topics" if item.kind in ("lesson", "classmeeting") else ("parent_topics" if item.kind == "parent" else "training_topics"), c, lang)
            for c in m.topics]
    if lang == "zh":
        tags += [x for x in m.tags if x not in tags]
    front = {"title": title_of(item, lang), "description": m.summary, "tags": tags}
    head = f"# {md_text(title_of(item, lang))}\n\n"
    if item.kind in ("lesson", "classmeeting"):
        head = breadcrumb(item, lang) + "\n\n" + head
    if lang == "en" and m.title_en:
        head += f"<p lang=\"zh-Hans\">{esc.html(m.title)}</p>\n\n"
    parts = [_front(front), head]
    if lang == "zh":
        parts.append(f"{esc.md_inline(m.summary)}\n\n")
    if item.kind in ("lesson", "classmeeting") and lib is not None and lib.downloads:
        parts.append(lesson_downloads(item, lang) + "\n\n")
    card = _card(item, lang, lib)
    if item.kind == "parent":
        # Parents meet the reading first; the details follow it, folded, in plain words.
        card = ""
    if card and lang == "zh":
        # The summary table repeats the tags and names the neighbouring lessons: on the Chinese
        # site it stays out of search so that results point at a lesson's own words. (On the
        # English site it is what an untranslated lesson is found by.)
        card = f"<div markdown data-search-exclude>\n\n{card}</div>\n\n"
    parts.append(card)
    if m.sensitivity == "high" and item.kind != "parent":
        parts.append(_admonition("warning", t(lang, "sensitive_title"), t(lang, "sensitive_note", help=rel(item.src_uri, HELP))))
    parts.append(short_period_note(item, lang))
    translated = item.translation
    if item.kind == "parent":
        reading, _, _ = _parent_parts(item)
        if lang == "en" and translated:
            from .document import read
            parts.append(read(translated).body.strip() + "\n\n")
        else:
            parts.append(_chinese(reading, lang))
        parts.append(_parent_details(item, lang))
    elif lang == "en" and translated:
        from .document import read
        parts.append(read(translated).body.strip() + "\n\n")
    elif lang == "en":
        parts.append(_admonition("note", t(lang, "untranslated_title"), t(lang, "untranslated_note")))
        parts.append(f'<div lang="zh-Hans" markdown data-search-exclude>\n\n{esc.md_inline(m.summary)}\n\n{_fill_body(item, lang).strip()}\n\n</div>\n\n')
    else:
        parts.append(_fill_body(item, lang, downloads=bool(lib and lib.downloads)).strip() + "\n\n")
    parts.append(help_box(item.src_uri, lang))
    return "".join(parts)


# --------------------------------------------------------------------------- index pages

def _lesson_rows(lessons: list[Item], from_uri: str, lang: str, with_grade: bool = False, numbered: bool = False) -> str:
    """The lessons as a table. `with_grade` (topic pages) adds 学段, 年级 and 学期 columns."""
    head = (["#"] if numbered else []) + ([t(lang, "stage"), t(lang, "grade"), t(lang, "semester")] if with_grade else []) + \
        [t(lang, "weeks"), t(lang, "lesson"), t(lang, "topics"), t(lang, "moment")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, i in enumerate(lessons, start=1):
        m = i.meta
        where = [data.label("stages", data.stage_of_grade(m.grade), lang), data.label("grades", m.grade, lang),
                 data.label("semesters", m.semester, lang)] if with_grade else []
        cells = ([str(n)] if numbered else []) + where + [
            _weeks(m.weeks, lang), f"[{md_text(title_of(i, lang))}]({rel(from_uri, i.src_uri)})",
            esc.md_cell(join(lang, (data.label("topics", c, lang) for c in m.topics))),
            esc.md_cell(data.label("moments", m.moment, lang)) if m.moment else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n"


def stage_filter(lang: str) -> str:
    """Buttons that show one stage's rows of the table below (docs/assets/javascripts/filter.js;
    hidden until the script runs, so without it the whole table simply shows)."""
    buttons = [f'<button type="button" data-value="" aria-pressed="true">{escape(t(lang, "all_stages"))}</button>']
    buttons += [f'<button type="button" data-value="{escape(data.label("stages", s, lang))}" aria-pressed="false">{escape(data.label("stages", s, lang))}</button>'
                for s in data.vocabularies()["stages"]]
    return (f'<div class="xy-filter" data-column="1" role="group" aria-label="{escape(t(lang, "stage"))}" hidden>'
            f'<span>{escape(t(lang, "stage"))}{escape(t(lang, "colon"))}</span>' + "".join(buttons) + "</div>\n\n")


def grade_page(lib: Library, grade: int, lang: str) -> str:
    uri = grade_uri(grade)
    name = data.label("grades", grade, lang)
    parts = [_front({"title": name}), f"# {t(lang, 'lessons_in_grade', grade=name)}\n\n"]
    parts.append(f"[{t(lang, 'plan_link')}]({rel(uri, plan_uri(grade))})\n\n")
    for sem in data.vocabularies()["semesters"]:
        lessons = lib.semester_lessons(grade, sem)
        parts.append(f"## {data.label('semesters', sem, lang)} {{#{sem}}}\n\n")
        overview = lib.overview(grade, sem)
        if overview:
            parts.append(f"[{esc.md_inline(title_of(overview, lang))}]({rel(uri, overview.src_uri)})\n\n")
        if lessons and lib.downloads:
            from .export import pack_uri
            parts.append(f"<p>{download_link(pack_uri(grade, sem), t(lang, 'pack'))}</p>\n\n")
        parts.append(_lesson_rows(lessons, uri, lang) if lessons else t(lang, "none_yet") + "\n\n")
        meetings = lib.semester_classmeetings(grade, sem)
        if meetings:
            parts.append(f"### {t(lang, 'classmeetings')}\n\n{t(lang, 'classmeetings_intro')}\n\n")
            parts.append(_lesson_rows(meetings, uri, lang))
    return "".join(parts)


def lessons_index(lib: Library, lang: str) -> str:
    uri = "lessons/index.md"
    title = t(lang, "all_lessons")
    sems = list(data.vocabularies()["semesters"])
    parts = [_front({"title": title}), f"# {title}\n\n", t(lang, "finder_link", link=rel(uri, FINDER)) + "\n\n",
             f"## {t(lang, 'by_grade')}\n\n"]
    head = [t(lang, "stage"), t(lang, "grade")] + [data.label("semesters", s, lang) for s in sems]
    parts.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
    for stage, st in data.vocabularies()["stages"].items():
        for g in (g for g in st["grades"] if g in data.grades()):
            counts = [str(sum(1 for i in lib.lessons if i.meta.grade == g and i.meta.semester == s)) for s in sems]
            parts.append(f"| {data.label('stages', stage, lang)} | [{data.label('grades', g, lang)}]({rel(uri, grade_uri(g))}) | " + " | ".join(counts) + " |\n")
    parts.append(f"\n## {t(lang, 'by_topic')}\n\n")
    for code in data.vocabularies()["topics"]:
        n = sum(1 for i in lib.lessons if code in i.meta.topics)
        parts.append(f"- [{data.label('topics', code, lang)}]({rel(uri, topic_uri(code))})（{n}）\n" if lang == "zh"
                     else f"- [{data.label('topics', code, lang)}]({rel(uri, topic_uri(code))}) ({n})\n")
    return "".join(parts)


def topics_index(lib: Library, lang: str) -> str:
    uri = "topics/index.md"
    title = t(lang, "by_topic")
    parts = [_front({"title": title}), f"# {title}\n\n"]
    stages = {c: st for c, st in data.vocabularies()["stages"].items() if set(st["grades"]) & set(data.grades())}
    head = [t(lang, "topics")] + [data.label("stages", s, lang) for s in stages]
    parts.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
    for code in data.vocabularies()["topics"]:
        cells = [str(sum(1 for i in lib.lessons if code in i.meta.topics and i.meta.grade in st["grades"]))
                 for st in stages.values()]
        parts.append(f"| [{data.label('topics', code, lang)}]({rel(uri, topic_uri(code))}) | " + " | ".join(cells) + " |\n")
    return "".join(parts)


def topic_page(lib: Library, code: str, lang: str) -> str:
    uri = topic_uri(code)
    title = data.label("topics", code, lang)
    lessons = [i for i in lib.lessons if code in i.meta.topics]
    parts = [_front({"title": title}), f"# {title}\n\n", f"## {t(lang, 'lessons_of_topic')}\n\n"]
    parts.append(stage_filter(lang) + _lesson_rows(lessons, uri, lang, with_grade=True) if lessons else t(lang, "none_yet") + "\n")
    return "".join(parts)


STATUS = {"met": ("达标", "met"), "partly": ("部分达标", "partly met"), "unmet": ("未达标", "not met"), "context": ("背景要求", "context")}


def _item_link(ref: str, lib: Library, from_uri: str, lang: str) -> str:
    item = lib.get(ref)
    if item:
        return f"[{esc.md_inline(title_of(item, lang))}]({rel(from_uri, item.src_uri)})"
    return f"[{ref}]({rel(from_uri, ref)})"


def coverage_page(lib: Library, lang: str, problems=None) -> str:
    """The coverage report on the site: the same engine as scripts/coverage.py."""
    from . import coverage
    uri = "coverage.md"
    zh = lang == "zh"
    results = coverage.evaluate(lib, problems=problems)
    title = "覆盖情况" if zh else "Coverage of the plan"
    counts = {k: sum(r.status == k for r in results) for k in STATUS}
    parts = [_front({"title": title, "search": {"exclude": True}}), f"# {title}\n\n"]
    parts.append(("本页列出区实施方案的每条要求在本库中的落实情况，与命令 `scripts/coverage.py` 的结果相同。标 ＊ 的目标数字是本项目对方案的解读（在 `data/config.yml` 中设置），不是方案原文。\n\n"
                  if zh else "Each requirement of the district plan and how far the library meets it; the same engine as `scripts/coverage.py`. Targets marked ＊ are the project's reading of the plan (set in `data/config.yml`), not its text.\n\n"))
    parts.append(" · ".join(f"**{STATUS[k][0 if zh else 1]}** {counts[k]}" for k in STATUS) + "\n\n")

    parts.append("## 各年级每学期课数\n\n" if zh else "## Lessons per grade and semester\n\n")
    head = ["年级", "秋季学期", "春季学期", "每学期目标 ＊"] if zh else ["Grade", "Autumn", "Spring", "Target per semester ＊"]
    parts.append("| " + " | ".join(head) + " |\n|---|---|---|---|\n")
    for row in coverage.grade_semester_matrix(lib):
        cells = []
        for s in ("autumn", "spring"):
            mark = "✓" if row[s] >= row["need"] else "✗"
            cells.append(f"{mark} {row[s]}")
        parts.append(f"| [{data.label('grades', row['grade'], lang)}]({rel(uri, grade_uri(row['grade']))}) | {cells[0]} | {cells[1]} | {row['need']} |\n")

    parts.append("\n## 与考试相关的整节心理课\n\n" if zh else "\n## Full lessons tied to an exam\n\n")
    parts.append(("每个年级一学年里与考试相关（考前、考后）的整节心理课不超过上限 ＊，其余考试节点由班主任的班会微课承担，心理课留给纲要的其他目标。\n\n" if zh else
                  "Full psychology lessons tied to an exam (before or after) in a year stay within a limit ＊; 班会微课 led by the homeroom teacher carry the other exam windows, so the lessons serve the rest of the guideline.\n\n"))
    parts.append(("| 年级 | 整节课 | 上限 ＊ | 班会微课 |" if zh else "| Grade | Full lessons | Limit ＊ | Class-meeting segments |") + "\n|---|---|---|---|\n")
    for row in coverage.exam_balance(lib):
        if row["max"] is None:
            continue
        mark = "✓" if row["ok"] else "✗"
        parts.append(f"| {data.label('grades', row['grade'], lang)} | {mark} {row['lessons']} | {row['max']} | {row['classmeetings']} |\n")
    fc = coverage.format_counts(lib)
    parts.append("\n## 教案格式 2\n\n" if zh else "\n## Lesson format 2\n\n")
    parts.append(t(lang, "format2_count", n=fc["format2"], total=fc["total"]) + "\n\n")
    parts.append(("| 年级 | 格式 2 | 教案总数 |" if zh else "| Grade | Format 2 | Lessons |") + "\n|---|---|---|\n")
    for g, c in fc["grades"].items():
        parts.append(f"| {data.label('grades', g, lang)} | {c['format2']} | {c['total']} |\n")

    parts.append("\n## 年级 × 主题\n\n" if zh else "\n## Grades × topics\n\n")
    topics = list(data.vocabularies()["topics"])
    rows = coverage.grade_topic_matrix(lib)
    top = max([1] + [r[code] for r in rows for code in topics])
    region = "年级 × 主题" if zh else "Grades × topics"
    html = [f'<div class="xy-scroll" tabindex="0" role="region" aria-label="{region}"><table class="heatmap"><thead><tr><th scope="col">' + ("年级" if zh else "Grade") + "</th>"]
    html += [f'<th scope="col">{esc.html(data.label("topics", code, lang))}</th>' for code in topics] + ["</tr></thead><tbody>"]
    for r in rows:
        html.append(f'<tr><th scope="row">{esc.html(data.label("grades", r["grade"], lang))}</th>')
        for code in topics:
            level = 0 if r[code] == 0 else min(4, 1 + (3 * r[code]) // top)
            html.append(f'<td class="heat-{level}">{r[code]}</td>')
        html.append("</tr>")
    parts.append("".join(html) + "</tbody></table></div>\n\n")

    parts.append("## 要求清单\n\n" if zh else "## The requirements\n\n")
    for r in results:
        parts.append(f"### {r.id}\n\n")
        parts.append(f"**{STATUS[r.status][0 if zh else 1]}** · {zh_run(f'{r.clause} 「{r.phrase}」', lang)} — {r.summary[lang]}\n\n")
        if r.note:
            parts.append(r.note[lang] + "\n\n")
        missing = [c for c in r.cells if not c.ok]
        if missing:
            label = "尚缺" if zh else "Still missing"
            parts.append(label + t(lang, "colon"))
            parts.append(t(lang, "semicolon").join(f"{c.label[lang]} {c.have}/{c.need}{' ＊' if c.policy else ''}" for c in missing[:12]))
            parts.append(("；等" if zh else "; and more") if len(missing) > 12 else "")
            parts.append("\n\n")
        if r.items:
            label = "计入的内容" if zh else "Counted"
            links = join(lang, (_item_link(i, lib, uri, lang) for i in r.items[:40]))
            more = (f"（另有 {len(r.items) - 40} 项）" if zh else f" (and {len(r.items) - 40} more)") if len(r.items) > 40 else ""
            parts.append(f"{label}{t(lang, 'colon')}{links}{more}\n\n")

    parts.append("## 英文版覆盖\n\n" if zh else "## English translation\n\n")
    names = {"lesson": ("教案", "Lessons"), "parent": ("家长模块", "Parent modules"), "training": ("培训单元", "Training units"), "page": ("网站页面", "Site pages")}
    parts.append(("| 内容 | 总数 | 有英文版 |" if zh else "| Content | Total | In English |") + "\n|---|---|---|\n")
    for row in coverage.translation_coverage(lib):
        parts.append(f"| {names[row['kind']][0 if zh else 1]} | {row['total']} | {row['english']} |\n")
    return "".join(parts)


def plan_uri(grade: int) -> str:
    return f"plans/grade-{grade:02d}.md"


def _plans(lib: Library, grade: int):
    from . import planner
    cal = data.calendar()
    return cal, [planner.plan(lib, grade, s, cal) for s in ("autumn", "spring")]


def plan_page(lib: Library, grade: int, lang: str) -> str:
    """A grade's two semesters on the default calendar, with CSV and .ics downloads."""
    from .planner import WEEKDAYS_ZH
    zh = lang == "zh"
    uri = plan_uri(grade)
    cal, plans = _plans(lib, grade)
    name = data.label("grades", grade, lang)
    title = f"{name}学期计划" if zh else f"{name}: semester plans"
    parts = [_front({"title": title, "search": {"exclude": True}}), f"# {title}\n\n"]
    if data.profile() is not None:
        minutes = data.period_minutes(grade)
        parts.append((f"按本校校历（{esc.md_inline(cal['name']['zh'])}）排出的心理课，每节{minutes}分钟。校历写在本校的配置文件里（见[部署与离线使用]({rel(uri, 'it.md')})）。\n\n") if zh else
                     (f"Psychology lessons on the school's calendar ({esc.md_inline(cal['name']['en'])}), {minutes} minutes each. The calendar is part of "
                      f"the school's profile (see [Hosting and offline use]({rel(uri, 'it.md')})).\n\n"))
    else:
        parts.append((f"按默认校历（{esc.md_inline(cal['name']['zh'])}）把每节课排在它的建议周次里，顺序与年级页、教案页和学期资料包相同。各校考试日期不同，标注“假设”的日期请按本校校历修改，"
                      "再用 `scripts/plan.py --calendar 本校校历.yml` 生成本校计划；某节课的建议周次在本校校历上没有课时（放假或考试）时，计划会把它移到最近的空余课时并写明原因。\n\n") if zh else
                     (f"Each lesson in its suggested weeks on the default calendar ({esc.md_inline(cal['name']['en'])}), in the same order as the grade page, the lesson pages and the semester pack. Exam dates differ by school: "
                      "replace the ones marked as assumed with your school's and run `scripts/plan.py --calendar your-calendar.yml`; a lesson whose suggested weeks have no lesson day on your calendar (a holiday or an exam) is moved to the nearest free one, with the reason.\n\n"))
    for p in plans:
        sem = data.label("semesters", p.semester, lang)
        parts.append(f"## {sem}\n\n")
        stem = f"grade-{grade:02d}-{p.semester}"
        parts.append((f"下载：[Excel 表格（CSV）]({stem}.csv) · [日历文件（.ics）]({stem}.ics)\n\n") if zh else
                     (f"Download: [spreadsheet (CSV)]({stem}.csv) · [calendar (.ics)]({stem}.ics)\n\n"))
        head = ["#", "周次", "日期", "课题", t(lang, "weeks"), "关键节点"] if zh else ["#", "Week", "Date", "Lesson", t(lang, "weeks"), "Key moment"]
        parts.append("| " + " | ".join(head) + " |\n|---|---|---|---|---|---|\n")
        order = {l.id: n for n, l in enumerate(lib.semester_lessons(grade, p.semester), start=1)}
        for e in p.entries:
            day = f"{e.date.month}月{e.date.day}日（周{WEEKDAYS_ZH[e.date.weekday()]}）" if zh else e.date.strftime("%a %d %b %Y")
            lesson = f"[{md_text(title_of(e.lesson, lang))}]({rel(uri, e.lesson.src_uri)})"
            moment = data.label("moments", e.lesson.meta.moment, lang) if e.lesson.meta.moment else ""
            parts.append(f'| {order[e.lesson.id]} | <span class="xy-week">{e.week}</span> | {day} | {lesson} | {_weeks(e.lesson.meta.weeks, lang)} | {moment} |\n')
        if p.moved:
            parts.append(("\n不在建议周次内：" if zh else "\nOutside their suggested weeks: ") +
                         t(lang, "list_sep").join(f"[{md_text(title_of(l, lang))}]({rel(uri, l.src_uri)})" for l, _ in p.moved) + "\n")
        if p.unplaced:
            parts.append(("\n本学期课时不足，未排入：" if zh else "\nNo lesson day left for: ") +
                         join(lang, (f"[{md_text(title_of(l, lang))}]({rel(uri, l.src_uri)})" for l in p.unplaced)) + "\n")
        exams = t(lang, "semicolon").join(f"{esc.md_inline(w.name[lang] if isinstance(w.name, dict) else w.name)} {w.start}–{w.end}{('（假设）' if zh else ' (assumed)') if w.assumed else ''}"
                         for w in p.exams)
        if exams:
            parts.append(("\n考试：" if zh else "\nExams: ") + exams + "\n")
        parts.append("\n")
    return "".join(parts)


def plans_index(lib: Library, lang: str) -> str:
    zh = lang == "zh"
    title = "学期计划" if zh else "Semester plans"
    parts = [_front({"title": title}), f"# {title}\n\n"]
    parts.append(("每个年级两个学期的心理课安排：入学适应课在开学头几周，迎考课在考试前，考后课在考试后，毕业升学课在学期末；"
                  "可下载为 Excel 表格和日历文件。\n\n") if zh else
                 ("Each grade's two semesters of psychology lessons: enrolment lessons first, exam lessons around the exams, "
                  "transition lessons at the end; downloadable as a spreadsheet and a calendar file.\n\n"))
    for g in data.grades():
        parts.append(f"- [{data.label('grades', g, lang)}](grade-{g:02d}.md)\n")
    return "".join(parts)


def drawing_files(lib: Library) -> dict[str, bytes]:
    """The line drawings (lessons/drawings/*.svg), placed in the site beside the lessons."""
    from .paths import ROOT
    folder = drawing_folder(lib.root or ROOT)
    return {f"{DRAWINGS}/{p.name}": p.read_bytes() for p in sorted(folder.glob("*.svg"))} if folder.is_dir() else {}


def generated_downloads(lib: Library) -> dict[str, bytes]:
    """Files the plan pages link to: docs-space path → bytes."""
    from . import planner
    out = {}
    cal = data.calendar()
    for g in data.grades():
        for s in ("autumn", "spring"):
            p = planner.plan(lib, g, s, cal)
            out[f"plans/grade-{g:02d}-{s}.csv"] = planner.to_csv(p)
            out[f"plans/grade-{g:02d}-{s}.ics"] = planner.to_ics(p)
    from .training import roster_template
    out[ROSTER_TEMPLATE] = roster_template()
    return out


ROSTER_TEMPLATE = "training/roster-template.xlsx"


def _json_in_html(value) -> str:
    """JSON to place inside <script type="application/json">: nothing in it can end the element."""
    import json
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def coordinator_tool(lib: Library, page_uri: str, lang: str) -> str:
    """The coordinator's page: start semester, roster (file or paste), assignments and sign-in
    sheets, computed in the browser by docs/assets/javascripts/assign.js from the rules
    xinyu.training.rules gives it here (the same data scripts/assign.py uses)."""
    from .training import rules
    L = dict(t(lang, "coordinator"))
    L["colon"], L["list_sep"] = t(lang, "colon"), t(lang, "list_sep")
    e = lambda key: escape(L[key])
    sems = "".join(f'<option value="{n}">{escape(s[lang])}</option>' for n, s in enumerate(rules(lib)["semesters"], start=1))
    return "\n".join([
        '<div id="xy-assign" class="xy-assign">',
        f'<script type="application/json" id="xy-assign-rules">{_json_in_html(rules(lib))}</script>',
        f'<script type="application/json" id="xy-assign-labels">{_json_in_html(L)}</script>',
        f'<h2 id="start">{e("step_start")}</h2>',
        f'<p>{e("start_intro")}</p>',
        '<p class="xy-assign-row">'
        f'<label for="xy-assign-start-year">{e("start_year")}</label> <select id="xy-assign-start-year"></select> '
        f'<label for="xy-assign-start-term">{e("start_term")}</label> <select id="xy-assign-start-term">'
        f'<option value="0">{e("autumn")}</option><option value="1">{e("spring")}</option></select></p>',
        '<p class="xy-assign-now" id="xy-assign-now" role="status"></p>',
        f'<p class="xy-assign-row"><label for="xy-assign-semester">{e("semester")}</label> <select id="xy-assign-semester">{sems}</select></p>',
        '<div id="xy-assign-units"></div>',
        f'<h2 id="roster">{e("step_roster")}</h2>',
        f'<p>{e("roster_intro")}</p>',
        f'<p>{download_button(ROSTER_TEMPLATE, L["template"], primary=True)}</p>',        # made relative as the page is written
        f'<p class="xy-assign-row"><label for="xy-assign-file">{e("pick")}</label> <input type="file" id="xy-assign-file" accept=".xlsx,.xlsm,.csv,.txt"></p>',
        f'<p><label for="xy-assign-paste">{e("paste")}</label></p>',
        '<textarea id="xy-assign-paste" rows="5" class="xy-assign-paste"></textarea>',
        f'<p><button type="button" class="md-button" id="xy-assign-paste-go">{e("paste_go")}</button></p>',
        '<div id="xy-assign-problems" class="admonition failure" role="alert" hidden></div>',
        '<div id="xy-assign-result" hidden>',
        f'<h2 id="result">{e("step_result")}</h2>',
        '<p id="xy-assign-summary" role="status"></p>',
        f'<p class="xy-assign-row"><a class="md-button" id="xy-assign-csv" download="培训安排.csv">{e("csv")}</a> '
        f'<button type="button" class="md-button md-button--primary" id="xy-assign-print-all">{e("print_all")}</button></p>',
        f'<div class="xy-scroll" tabindex="0" role="region" aria-label="{e("step_result")}"><table id="xy-assign-table"></table></div>',
        f'<h2 id="sign-in">{e("sheets")}</h2>',
        '<div id="xy-assign-sheets" class="xy-signins"></div>',
        "</div>",
        "</div>",
    ]) + "\n"


FINDER = "lessons/finder.md"


def _finder_chips(key: str, options: list[tuple[str, str]], lang: str) -> str:
    chips = "".join(f'<button type="button" class="xy-chip" data-value="{html.escape(v)}" aria-pressed="false">{html.escape(label)}</button>'
                    for v, label in options)
    return (f'<fieldset class="xy-finder__group" data-key="{key}"><legend>{html.escape(t(lang, "finder_" + key))}</legend>'
            f"{chips}</fieldset>\n")


def finder_page(lib: Library, lang: str) -> str:
    """The lesson finder: every lesson and 班会微课 as a card, with filters (grade or stage,
    semester, topic, moment, method, slot, kind, length) that docs/assets/javascripts/finder.js
    applies in the browser and keeps in the address (#stage=junior&topic=career)."""
    vocab = data.vocabularies()
    items = sorted(lib.lessons + lib.classmeetings, key=lambda i: (i.meta.grade, i.meta.semester != "autumn", min(i.meta.weeks), i.kind))
    lengths = sorted({i.meta.duration for i in items})
    label = data.label
    groups = [
        ("stage", [(c, label("stages", c, lang)) for c, st in vocab["stages"].items() if set(st["grades"]) & set(data.grades())]),
        ("grade", [(str(g), label("grades", g, lang)) for g in data.grades()]),      # a school's edition: its grades
        ("topic", [(c, label("topics", c, lang)) for c in vocab["topics"]]),
    ]
    more = [
        ("semester", [(c, label("semesters", c, lang)) for c in vocab["semesters"]]),
        ("moment", [(c, label("moments", c, lang)) for c in vocab["moments"]]),
        ("kind", [("lesson", t(lang, "search_kinds")["lesson"]), ("classmeeting", t(lang, "search_kinds")["classmeeting"])]),
        ("slot", [(c, label("slots", c, lang)) for c in vocab["slots"]]),
        ("method", [(c, label("methods", c, lang)) for c in vocab["methods"]]),
        ("length", [(str(n), t(lang, "minutes", n=n)) for n in lengths]),
    ]
    title = t(lang, "finder_title")
    parts = [_front({"title": title, "hide": ["toc"]}), f"# {title}\n\n", t(lang, "finder_intro") + "\n\n"]
    parts.append('<div class="xy-finder" data-xy-finder markdown>\n<form class="xy-finder__filters" role="search" aria-label="'
                 + html.escape(title) + '">\n')
    parts += [_finder_chips(k, opts, lang) for k, opts in groups]
    parts.append(f'<details class="xy-finder__more"><summary>{html.escape(t(lang, "finder_more"))}</summary>\n')
    parts += [_finder_chips(k, opts, lang) for k, opts in more]
    parts.append("</details>\n")
    parts.append(f'<p class="xy-finder__status"><span class="xy-finder__count" aria-live="polite" data-template="{html.escape(t(lang, "finder_count"))}">'
                 f'{html.escape(t(lang, "finder_count").format(n=len(items)))}</span> '
                 f'<button type="reset" class="xy-chip xy-finder__clear">{html.escape(t(lang, "finder_clear"))}</button></p>\n</form>\n')
    parts.append(f'<p class="xy-finder__none" hidden>{html.escape(t(lang, "finder_none"))}</p>\n')
    parts.append('<ul class="xy-finder__cards" markdown>\n')
    for item in items:
        parts.append(_finder_card(item, lang, lib))
    parts.append("</ul>\n</div>\n")
    return "".join(parts)


def _finder_card(item: Item, lang: str, lib: Library) -> str:
    m = item.meta
    slots = getattr(m, "slots", None) or ["班团队会"]
    attrs = {"kind": item.kind, "grade": str(m.grade), "stage": data.stage_of_grade(m.grade), "semester": m.semester,
             "topic": " ".join(m.topics), "moment": m.moment or "", "method": " ".join(getattr(m, "methods", [])),
             "slot": " ".join(slots), "length": str(m.duration)}
    data_attrs = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in attrs.items())
    kind = t(lang, "search_kinds")[item.kind]
    meta_line = " · ".join([data.label("grades", m.grade, lang), data.label("semesters", m.semester, lang), _weeks(m.weeks, lang),
                            t(lang, "minutes", n=m.duration)])
    topics = " · ".join(data.label("topics", c, lang) for c in m.topics)
    if m.moment:
        topics += " · " + data.label("moments", m.moment, lang)
    title = esc.md_inline(title_of(item, lang))
    out = [f'<li class="xy-card xy-card--{item.kind}" {data_attrs} markdown>\n',
           f'<p class="xy-card__title" markdown>[{title}]({rel(FINDER, item.src_uri)})</p>\n',
           f'<p class="xy-card__meta"><span class="xy-card__kind">{html.escape(kind)}</span> {html.escape(meta_line)}</p>\n',
           f'<p class="xy-card__topics">{html.escape(topics)}</p>\n']
    if lib.downloads:
        from .export import classmeeting_docx_uri, lesson_docx_uri, slides_uri, worksheet_docx_uri
        if item.kind == "lesson":
            links = [download_link(lesson_docx_uri(item), t(lang, "finder_word"))]
            links += [download_link(worksheet_docx_uri(item, n), t(lang, "finder_worksheet", n=n)) for n in range(1, len(item.worksheets) + 1)]
            if item.format == 2:
                links.append(download_link(slides_uri(item), t(lang, "finder_slides")))
        else:
            links = [download_link(classmeeting_docx_uri(item), t(lang, "finder_word"))]
        out.append(f'<p class="xy-card__downloads">{html.escape(t(lang, "download"))}{t(lang, "colon")}{" · ".join(links)}</p>\n')
    out.append("</li>\n")
    return "".join(out)


def generated_index_pages(lib: Library, problems=None) -> dict[str, callable]:
    """Docs-space path → function(lang) for every index page generated from front matter."""
    pages = {"lessons/index.md": lambda lang: lessons_index(lib, lang),
             "topics/index.md": lambda lang: topics_index(lib, lang),
             "coverage.md": lambda lang: coverage_page(lib, lang, problems),
             FINDER: lambda lang: finder_page(lib, lang)}
    pages["plans/index.md"] = lambda lang: plans_index(lib, lang)
    for g in data.grades():
        pages[grade_uri(g)] = lambda lang, g=g: grade_page(lib, g, lang)
        pages[plan_uri(g)] = lambda lang, g=g: plan_page(lib, g, lang)
    for code in data.vocabularies()["topics"]:
        pages[topic_uri(code)] = lambda lang, code=code: topic_page(lib, code, lang)
    return pages


def generated_pages(lib: Library, lang: str, problems=None) -> dict[str, str]:
    """Every generated page for `lang`: docs-space path → Markdown."""
    pages = {uri: fn(lang) for uri, fn in generated_index_pages(lib, problems).items()}
    for item in lib.items:
        pages[item.src_uri] = render_item(item, lang, lib)
    for item in lib.parents:
        pages[session_uri(item)] = render_parent_extra(item, "session", lang)
        pages[handout_uri(item)] = render_parent_extra(item, "handout", lang)
    return pages


# --------------------------------------------------------------------------- embedded lists

def contacts_table(lang: str) -> str:
    """The help page's list of services, from data/contacts.yml (verified details only)."""
    kinds = {"emergency": ("紧急情况", "Emergencies"), "hotline": ("热线电话", "Helplines"), "online": ("在线平台", "Online"),
             "district": ("区级服务", "District services"), "hospital": ("专业医疗机构（转介）", "Hospitals (referral)")}
    out = []
    for kind, (zh, en) in kinds.items():
        entries = [c for c in data.contacts() if c["kind"] == kind]
        if not entries:
            continue
        out.append(f"### {zh if lang == 'zh' else en}\n")
        for c in entries:
            name = c["name"][lang]
            details = []
            if c.get("verified"):
                for key in ("phone", "email", "url"):
                    if c.get(key):
                        details.append(f"**{c[key]}**")
            for key in ("use", "services", "hours"):
                if c.get(key):
                    details.append(c[key][lang])
            if not c.get("verified") and c.get("pending"):
                details.append(("（" + c["pending"][lang] + "）") if lang == "zh" else f"({c['pending'][lang]})")
            out.append(f"- **{name}**" + t(lang, "colon") + t(lang, "semicolon").join(details))
        out.append("")
    return "\n".join(out) + "\n"


def school_contacts(page_uri: str, lang: str) -> str:
    """The school's own contacts (its profile), first on the help page; nothing in the district
    edition. Each entry says when it is answered, by whom, and who checked it when."""
    school = data.profile()
    if school is None:
        return ""
    h = esc.md_inline
    out = [f"### {h(t(lang, 'school_contacts_title', school=school.name[lang]))} {{ #{SCHOOL_ANCHOR} }}\n"]
    r = school.room
    if r:
        details = [f"{t(lang, 'school_room_place')}{t(lang, 'colon')}{h(r['place'][lang])}",
                   f"{t(lang, 'school_room_hours')}{t(lang, 'colon')}{h(r['hours'][lang])}",
                   f"{t(lang, 'school_room_booking')}{t(lang, 'colon')}{h(r['booking'][lang])}"]
        if r.get("phone"):
            details.insert(0, f"**{h(r['phone'][lang])}**")
        out.append(f"- **{t(lang, 'school_room')}**{t(lang, 'colon')}" + t(lang, "semicolon").join(details))
    own = [c for c in school.contacts if c["role"] != "district"]
    confirmed = [c for c in school.contacts if c["role"] == "district"]

    def line(c: dict) -> str:
        details = []
        if c.get("phone"):
            details.append(f"**{h(c['phone'][lang])}**")
        if c.get("place"):
            details.append(h(c["place"][lang]))
        details.append(h(c["hours"][lang]))
        details.append(f"{t(lang, 'school_contact_answered')}{t(lang, 'colon')}{h(c['answered_by'][lang])}")
        if c.get("note"):
            details.append(h(c["note"][lang]))
        checked = t(lang, "school_contact_checked", who=h(str(c["verified_by"])), day=c["verified_on"])
        return f"- **{h(c['name'][lang])}**{t(lang, 'colon')}" + t(lang, "semicolon").join(details) + f" <small>（{checked}）</small>" if lang == "zh" \
            else f"- **{h(c['name'][lang])}**{t(lang, 'colon')}" + t(lang, "semicolon").join(details) + f" <small>({checked})</small>"
    out += [line(c) for c in own]
    if confirmed:
        out.append(f"\n**{t(lang, 'school_district_title')}**\n")
        out += [line(c) for c in confirmed]
    return "\n".join(out) + "\n\n"


def this_week_box(page_uri: str, lang: str) -> str:
    from . import thisweek
    return thisweek.marker(page_uri, lang)


LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s#]+\.md)(#[^)\s]*)?\)")


def unlink_absent(markdown: str, page_uri: str, absent: set[str]) -> str:
    """Links to pages a school's edition leaves out (lessons of grades it does not have) become
    their plain words, so that no link is broken and no page is silently missing a sentence."""
    base = posixpath.dirname(page_uri)

    def fix(m: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(base, m.group(2)))
        return m.group(1) if target in absent else m.group(0)
    return LINK.sub(fix, markdown)


def item_list(items: list[Item], from_uri: str, lang: str) -> str:
    out = []
    for i in items:
        out.append(f"- [{esc.md_inline(title_of(i, lang))}]({rel(from_uri, i.src_uri)})" + ("：" if lang == "zh" else " — ") + esc.md_inline(i.meta.summary))
    return "\n".join(out) + "\n" if out else t(lang, "none_yet") + "\n"


def requirement_list(lib: Library, page_uri: str, lang: str) -> str:
    """Each requirement of the catalogue with its clause, phrase and the items that serve it."""
    out = []
    for r in data.requirements():
        out.append(f"### {r['id']}\n")
        out.append(zh_run(f"**{r['clause']}** 「{r['phrase']}」", lang) + f" — {r['summary'][lang]}\n")
        serving = [i for i in lib.lessons + lib.parents + lib.training if r["id"] in i.meta.requirements]
        label = "本库中对应的内容" if lang == "zh" else "Served in this library by"
        if serving:
            links = join(lang, (f"[{md_text(title_of(i, lang))}]({rel(page_uri, i.src_uri)})" for i in serving))
            out.append(f"{label}{t(lang, 'colon')}{links}\n")
        else:
            out.append("本库中暂无对应内容。\n" if lang == "zh" else "Nothing in the library serves it yet.\n")
    return "\n".join(out) + "\n"


def schema_tables(lang: str) -> str:
    """The front-matter fields of each content kind, from the pydantic models."""
    from .model import LESSON_SECTIONS_2, REQUIRED_SECTIONS, SCHEMAS
    names = {"lesson": ("教案", "Lesson"), "classmeeting": ("班会微课（lessons/grade-NN/bNN-…）", "Class-meeting segment (lessons/grade-NN/bNN-…)"),
             "parent": ("家长模块", "Parent module"), "training": ("培训单元", "Training unit"),
             "overview": ("学期概览（lessons/grade-NN/semester-autumn.md）", "Semester overview (lessons/grade-NN/semester-autumn.md)")}
    out = []
    for kind, model in SCHEMAS.items():
        out.append(f"### {names[kind][0 if lang == 'zh' else 1]}\n")
        out.append("| field | required | meaning |\n|---|---|---|")
        for name, f in model.model_fields.items():
            out.append(f"| `{f.alias or name}` | {'yes' if f.is_required() else ''} | {f.description or ''} |")
        sections = " → ".join(f"`## {s}`" for s in REQUIRED_SECTIONS[kind])
        out.append("\n" + ("必需的二级标题（按顺序）：" if lang == "zh" else "Required level-2 sections, in order: ") + sections + "\n")
        if kind == "lesson":
            sections = " → ".join(f"`## {s}`" for s in LESSON_SECTIONS_2)
            out.append(("教案格式 2（`format: 2`）的二级标题（按顺序）：" if lang == "zh" else "In lesson format 2 (`format: 2`): ") + sections + "\n")
    return "\n".join(out) + "\n"


def vocabulary_tables(lang: str) -> str:
    out = []
    for name, entries in data.vocabularies().items():
        if name == "grades":
            continue
        out.append(f"**`{name}`**: " + ", ".join(f"`{code}` {e.get(lang, '') if isinstance(e, dict) else ''}".strip()
                                                for code, e in entries.items()) + "\n")
    return "\n".join(out) + "\n"


def short_title(item: Item, lang: str) -> str:
    """A title's head, before its colon (孩子上初一了：陪他迈过… → 孩子上初一了), for compact lists."""
    title = title_of(item, lang)
    head = re.split(r"：|: ", title, maxsplit=1)[0]
    return head if len(head) >= 4 else title


def parents_by_stage(lib: Library, page_uri: str, lang: str) -> str:
    """The family section's stage × semester list: one line per school stage, the semesters in
    it (short titles, so that it stays short on a phone; the full titles are in the list of all
    modules and in each link's title)."""
    out = []
    link = lambda m: f'[{md_text(short_title(m, lang))}]({rel(page_uri, m.src_uri)} "{md_text(title_of(m, lang)).replace(chr(34), "&quot;")}")'
    for stage, st in data.vocabularies()["stages"].items():
        if not set(st["grades"]) & set(data.grades()):
            continue
        cells = []
        for sem in ("autumn", "spring"):
            mods = [m for m in lib.parents if m.meta.stage == stage and m.meta.semester in (sem, "any")]
            if mods:
                cells.append(f"{data.label('parent_semesters', sem, lang)} " + join(lang, (link(m) for m in mods)))
        if cells:
            out.append(f"- **{data.label('stages', stage, lang)}**{t(lang, 'colon')}" + t(lang, "semicolon").join(cells))
    return '<div class="xy-stages" markdown>\n\n' + "\n".join(out) + "\n\n</div>\n"


def parents_by_worry(lib: Library, page_uri: str, lang: str) -> str:
    """“我的孩子……”: each worry as one link, to the module written about it (a topic module
    first), so that the list fits the first screen of a phone."""
    out = []
    for code, entry in data.vocabularies()["parent_topics"].items():
        mods = sorted((m for m in lib.parents if code in m.meta.topics),
                      key=lambda m: (not m.id.startswith("p-topic-"), m.meta.topics.index(code), m.id))
        if mods:
            out.append(f"- [{md_text(entry['worry'][lang])}]({rel(page_uri, mods[0].src_uri)})")
    return "\n".join(out) + "\n"


def learning_paths(lib: Library, page_uri: str, lang: str) -> str:
    """Each role's six-semester path; every role also takes the all-staff units."""
    from .training import paths_file
    cfg = paths_file()
    units = {u.id: u for u in lib.training}
    sems = [s[lang] for s in cfg["semesters"]]
    out = []
    school = data.profile()
    for role, path in cfg["paths"].items():
        if school and school.training and role not in school.training and role != "all-staff":
            continue
        out.append(f"### {data.label('roles', role, lang)}\n")
        if role != "all-staff":
            out.append(("在全体教职工单元之外，还要学：" if lang == "zh" else "On top of the all-staff units:") + "\n")
        for sem, ids in zip(sems, path):
            links = join(lang, (f"[{md_text(title_of(units[u], lang))}]({rel(page_uri, units[u].src_uri)})" for u in ids if u in units))
            out.append(f"- **{sem}**" + t(lang, "colon") + (links or "—"))
        out.append("")
    return "\n".join(out) + "\n"


def training_matrix(lib: Library, page_uri: str, lang: str) -> str:
    """Roles × training types: how many units serve each (TRAIN-ROLES)."""
    types = list(data.vocabularies()["training_types"])
    head = [t(lang, "roles")] + [data.label("training_types", ty, lang) for ty in types]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for role in data.vocabularies()["roles"]:
        cells = [str(sum(1 for u in lib.training if role in u.meta.roles and ty in u.meta.types)) for ty in types]
        lines.append(f"| {data.label('roles', role, lang)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markers(lib: Library, page_uri: str, lang: str) -> dict[str, callable]:
    """What each `<!-- xinyu:NAME -->` marker in a hand-written page becomes (made on demand)."""
    return {
        "contacts": lambda: contacts_table(lang),
        "school-contacts": lambda: school_contacts(page_uri, lang),
        "this-week": lambda: this_week_box(page_uri, lang),
        "parent-modules": lambda: item_list(lib.parents, page_uri, lang),
        "parents-by-stage": lambda: parents_by_stage(lib, page_uri, lang),
        "parents-by-worry": lambda: parents_by_worry(lib, page_uri, lang),
        "training-units": lambda: item_list(lib.training, page_uri, lang),
        "learning-paths": lambda: learning_paths(lib, page_uri, lang),
        "training-matrix": lambda: training_matrix(lib, page_uri, lang),
        "coordinator": lambda: coordinator_tool(lib, page_uri, lang),
        "requirements": lambda: requirement_list(lib, page_uri, lang),
        "schema": lambda: schema_tables(lang),
        "vocabularies": lambda: vocabulary_tables(lang),
    }


def fill_markers(markdown: str, lib: Library, page_uri: str, lang: str) -> str:
    found = re.findall(r"<!--\s*xinyu:([\w-]+)\s*-->", markdown)
    if not found:
        return markdown
    table = markers(lib, page_uri, lang)
    for name in found:
        if name not in table:
            raise KeyError(f"{page_uri}: unknown marker <!-- xinyu:{name} --> (known: {', '.join(table)})")
        value = table[name]()
        markdown = re.sub(rf"<!--\s*xinyu:{name}\s*-->", lambda _m: value, markdown)
    return markdown


# --------------------------------------------------------------------------- phone numbers

_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|<!--.*?-->", re.S)
_SKIP = {"a", "script", "style", "code", "pre", "textarea", "title", "head", "button", "option"}


@data.cached
def _phone_pattern():
    numbers = sorted({str(c["phone"]) for c in data.contacts() if c.get("verified") and c.get("phone")}, key=len, reverse=True)
    if not numbers:
        return None
    return re.compile(r"(?<![0-9A-Za-z.:])(" + "|".join(re.escape(n) for n in numbers) + r")(?![0-9])")


def link_phones(html: str) -> str:
    """Every verified phone number of data/contacts.yml in a page's text becomes a `tel:` link
    (tap to call on a phone). Text inside links, code, scripts and the head is left alone."""
    pattern = _phone_pattern()
    if pattern is None:
        return html
    out, depth, pos = [], {k: 0 for k in _SKIP}, 0
    for m in _TAG.finditer(html):
        text = html[pos:m.start()]
        if text and not any(depth.values()):
            text = pattern.sub(r'<a class="xy-tel" href="tel:\1">\1</a>', text)
        out.append(text)
        out.append(m.group(0))
        name = (m.group(2) or "").lower()
        if name in _SKIP and not m.group(0).endswith("/>"):
            depth[name] = max(0, depth[name] + (-1 if m.group(1) else 1))
        pos = m.end()
    tail = html[pos:]
    out.append(pattern.sub(r'<a class="xy-tel" href="tel:\1">\1</a>', tail) if not any(depth.values()) else tail)
    return "".join(out)
