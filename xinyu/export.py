"""Word exports for the teacher's desk: a lesson as a 教案 in the usual layout, and a semester
pack (the semester's lessons, their worksheets, the plan as CSV and .ics, and the parent
handouts for that school stage) in one zip.

Made with python-docx. Chinese text uses 宋体 (headings 黑体) through the East-Asian font slot,
so the files open well in Word and WPS. Exports refuse a lesson the checker finds wrong.
"""
from __future__ import annotations

import io
import os
import re
import zipfile

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from docx.enum.table import WD_ROW_HEIGHT_RULE

from . import data
from . import worksheet as ws_mod
from .content import Item, Library
from .exportcache import ExportCache
from .paths import ROOT
from .office import ZIP_TIME, fixed_times
from .slides import lesson_pptx

BODY_FONT, HEAD_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
NUMERALS = [n + "" for n in "一二三四五六七八九十"] + ["十" + n for n in "一二三四五六七八九"]


class ExportError(ValueError):
    """The content has checker errors; the message lists them as path:line: problem — fix."""


# --------------------------------------------------------------------------- document basics

def _fonts(run_or_style, east: str, size: float | None = None, bold: bool | None = None):
    font = run_or_style.font
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)        # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    _fonts(doc.styles["Normal"], BODY_FONT, 10.5)                       # 五号
    for name, size in (("Title", 16), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 10.5)):
        style = doc.styles[name]
        _fonts(style, HEAD_FONT, size, bold=True)
        style.font.color.rgb = None
    return doc


def _para(container, style_id: str | None = None):
    """A new paragraph; the style is set by id (python-docx's lookup by name is slow)."""
    p = container.add_paragraph()
    if style_id:
        p._p.get_or_add_pPr().style = style_id
    return p


def to_bytes(doc, title: str = "") -> bytes:
    """The .docx as bytes, the same for the same content: python-docx stamps each part of the
    archive with the current time, so the parts are repacked with a fixed one."""
    doc.core_properties.author = "心育资源库"
    doc.core_properties.title = title
    raw = io.BytesIO()
    doc.save(raw)
    return fixed_times(raw.getvalue())




def _heading(doc, text: str, level: int = 1):
    h = _para(doc, f"Heading{level}")
    _fonts(h.add_run(text), HEAD_FONT)
    return h


INLINE = re.compile(r"\*\*(.+?)\*\*|\[([^\]]+)\]\([^)]+\)|<[^>]+>")


def _runs(paragraph, text: str, bold: bool = False):
    """Add text with **bold** marks; links keep their words; HTML tags are dropped."""
    pos = 0
    for m in INLINE.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos:m.start()]).bold = bold or None
        if m.group(1) is not None:
            paragraph.add_run(m.group(1)).bold = True
        elif m.group(2) is not None:
            paragraph.add_run(m.group(2)).bold = bold or None
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:]).bold = bold or None


TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row; an escaped pipe (\\|) stays in its cell."""
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _add_table(container, rows: list[str]) -> None:
    """A Markdown table as a real Word table (header row bold and shaded)."""
    header = _cells(rows[0])
    body = [_cells(r) for r in rows[2:]]
    cols = max([len(header)] + [len(r) for r in body])
    table = container.add_table(1 + len(body), cols)
    table.style = "Table Grid"
    for r, cells in enumerate([header] + body):
        for c in range(cols):
            cell = table.rows[r].cells[c]
            _set_cell(cell, cells[c] if c < len(cells) else "", bold=r == 0)
            if r == 0:
                _shade(cell)


def add_markdown(container, text: str) -> None:
    """Markdown paragraphs, lists, quotes and tables into a document or a table cell."""
    lines = text.split("\n")
    start = 0
    i = 0
    while i < len(lines):
        if TABLE_ROW.match(lines[i]) and i + 1 < len(lines) and TABLE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and TABLE_ROW.match(lines[end]):
                end += 1
            _add_paragraphs(container, "\n".join(lines[start:i]))
            _add_table(container, lines[i:end])
            start = i = end
            continue
        i += 1
    _add_paragraphs(container, "\n".join(lines[start:]))


def _add_paragraphs(container, text: str) -> None:
    """Markdown paragraphs, lists and quotes into a document or a table cell."""
    first_cell_paragraph = getattr(container, "paragraphs", None)
    reuse = first_cell_paragraph[0] if first_cell_paragraph and not first_cell_paragraph[0].text and hasattr(container, "width") else None
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip() or line.strip().startswith("<!--"):
            continue
        stripped = line.strip()
        style, content, indent = None, stripped, 0
        if re.match(r"^#{3,6}\s", stripped):
            content, bold = re.sub(r"^#+\s*", "", stripped), True
        else:
            bold = False
        if re.match(r"^>\s?", stripped):
            content = re.sub(r"^>\s?", "", stripped)
            indent = 0.74
            if re.match(r"^[-*]\s", content):
                content = "· " + content[2:]
        elif re.match(r"^[-*]\s", stripped):
            style, content = "ListBullet", stripped[2:]
        elif re.match(r"^\d+[.、]\s", stripped):
            style = "ListNumber"
            content = re.sub(r"^\d+[.、]\s", "", stripped)
        if not content:
            continue
        if reuse is not None:
            p, reuse = reuse, None
            if style:
                p._p.get_or_add_pPr().style = style
        else:
            p = _para(container, style)
        if indent:
            p.paragraph_format.left_indent = Cm(0.3 if hasattr(container, "width") else indent)
        _runs(p, content, bold)


# --------------------------------------------------------------------------- a lesson

def _section_text(item: Item, title: str) -> str:
    s = item.doc.section(title)
    return s.text.strip() if s else ""


def _split_step(step) -> tuple[str, str]:
    """A step's text as (teacher column, student column): 学生活动 paragraphs go right."""
    teacher, student, current = [], [], None
    for _, line in step.lines[0:]:
        if line.strip().startswith("###"):
            continue
        if line.strip().startswith("**学生活动**"):
            current = student
            line = re.sub(r"^\*\*学生活动\*\*[：:]\s*", "", line.strip())
        elif re.match(r"^\*\*(教师活动|班主任活动|班主任)\*\*", line.strip()):
            current = teacher
            line = re.sub(r"^\*\*(教师活动|班主任活动|班主任)\*\*[：:]\s*", "", line.strip())
        elif current is None or (current is student and re.match(r"^\s*(>|\*\*)", line)):
            current = teacher
        current.append(line)
    return "\n".join(teacher).strip(), "\n".join(student).strip()


def _set_cell(cell, text: str, bold: bool = False, center: bool = False):
    cell.text = ""
    p = cell.paragraphs[0]
    _runs(p, text, bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _widths(table, widths) -> None:
    """Column widths that both Word (cell widths) and WPS/LibreOffice (the grid) respect."""
    table.autofit = False
    for col, width in zip(table.columns, widths):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _shade(cell, fill: str = "E0F2F1"):
    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    tcpr.append(shd)


def _header_table(doc, item: Item):
    m = item.meta
    rows = [
        ("课题", m.title, "", ""),
        ("年级", data.label("grades", m.grade), "学期", f"{data.label('semesters', m.semester)}（建议第{'、'.join(map(str, m.weeks))}周）"),
        ("主题", "、".join(data.label("topics", t) for t in m.topics), "课时", f"{m.duration}分钟"),
        ("班级", "", "授课教师", ""),
        ("活动方式", "、".join(m.methods), "授课日期", ""),
    ]
    if getattr(m, "lesson_type", None):
        rows.insert(3, ("课型", m.lesson_type, "学习单", f"{len(item.worksheets)}张" if item.worksheets else "无"))
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (Cm(2.4), Cm(6.0), Cm(2.4), Cm(5.8)))
    for r, (a, b, c, d) in enumerate(rows):
        cells = table.rows[r].cells
        if r == 0:
            merged = cells[1].merge(cells[3])
            _set_cell(cells[0], a, bold=True, center=True)
            _shade(cells[0])
            _set_cell(merged, b, bold=True)
            continue
        for i, text in enumerate((a, b, c, d)):
            _set_cell(cells[i], text, bold=i in (0, 2), center=i in (0, 2))
            if i in (0, 2):
                _shade(cells[i])
    return table


def _school_line(doc) -> None:
    """The school's name under the title (a school's edition)."""
    name = data.school_name()
    if name:
        p = _para(doc)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(p, name)


def help_line(lang: str = "zh") -> str:
    """Where to get help, in one sentence, from data/contacts.yml (verified numbers only)."""
    named = [c for c in data.contacts() if c.get("verified") and c.get("phone") and c["kind"] == "hotline"]
    emergency = [c for c in data.contacts() if c.get("verified") and c.get("phone") and c["kind"] == "emergency"]
    school = data.profile()
    room = ""
    if school and school.room:
        r = school.room
        phone = f"，{r['phone'][lang]}" if r.get("phone") else ""
        room = (f"本校心理辅导室（{r['place']['zh']}，{r['hours']['zh']}{phone}）；" if lang == "zh"
                else f"the school's counselling room ({r['place']['en']}, {r['hours']['en']}{phone}); ")
    if lang == "zh":
        lines = "；".join(f"{c['name']['zh']} {c['phone']}" for c in named)
        return (f"{room}班主任、学校心理教师和心理辅导室；{lines}；紧急危险请拨打 "
                + " 或 ".join(c["phone"] for c in emergency) + "。")
    lines = "; ".join(f"{c['name']['en']} {c['phone']}" for c in named)
    return f"{room}the class teacher, the school's psychology teacher and counselling room; {lines}; in an emergency call " + " or ".join(c["phone"] for c in emergency) + "."


def check_item(item: Item, problems) -> None:
    errors = [p for p in problems if p.level == "error" and p.path == item.path]
    if errors:
        raise ExportError("cannot export " + item.id + ", the checker found:\n" + "\n".join(str(p) for p in errors))


FENCE = re.compile(r"^\s*```")


def add_rich(container, text: str) -> None:
    """Like add_markdown, but a fenced block (a 板书设计 diagram) keeps its lines and spacing
    in a monospaced font."""
    chunk, fence = [], None
    for line in text.split("\n"):
        if FENCE.match(line):
            if fence is None:
                if chunk:
                    add_markdown(container, "\n".join(chunk))
                chunk, fence = [], []
            else:
                for raw in fence:
                    p = _para(container)
                    p.paragraph_format.space_after = Pt(0)
                    run = p.add_run(raw.rstrip() or " ")
                    _fonts(run, "等线", 9.5)
                    run.font.name = "Courier New"
                fence = None
            continue
        (chunk if fence is None else fence).append(line)
    if chunk:
        add_markdown(container, "\n".join(chunk))


def _without_worksheets(item: Item, title: str) -> str:
    """A section's text with each ```worksheet block replaced by a line naming its own file."""
    s = item.doc.section(title)
    if s is None:
        return ""
    spans = {b.line: b for b in item.worksheet_blocks}
    out, skip = [], 0
    n_ws = {b.line: n for n, b in enumerate(item.worksheet_blocks, start=1)}
    for n, line in s.lines:
        if n <= skip:
            continue
        if n in spans:
            b = spans[n]
            skip = b.end
            if b.worksheet:
                out.append(f"**学习单{n_ws[n]}《{b.worksheet.title}》**：见单独的学习单文件（一页 A4，可直接复印）。")
            continue
        out.append(line)
    return "\n".join(out).strip()


def _process_table(doc, steps, heads: tuple[str, str, str, str], total_row: bool = False):
    """The timed process as a table: step (with 核心/可选), minutes, teacher, students."""
    table = doc.add_table(rows=1 + len(steps) + int(total_row), cols=4)
    table.style = "Table Grid"
    for i, head in enumerate(heads):
        _set_cell(table.rows[0].cells[i], head, bold=True, center=True)
        _shade(table.rows[0].cells[i])
    for r, step in enumerate(steps, start=1):
        cells = table.rows[r].cells
        _set_cell(cells[0], step.name + (f"\n（{step.role}）" if step.role else ""))
        _set_cell(cells[1], f"{step.minutes}分钟", center=True)
        teacher, student = _split_step(step)
        cells[2].text = ""
        add_markdown(cells[2], teacher)
        cells[3].text = ""
        add_markdown(cells[3], student)
    return table


def _reflection_box(doc) -> None:
    """A framed space for the teacher's 教学反思 after the lesson."""
    table = doc.add_table(rows=2, cols=1)
    table.style = "Table Grid"
    _set_cell(table.rows[0].cells[0], "教学反思（课后填写：目标达成情况、学生的亮点与困难、下次调整）", bold=True)
    _shade(table.rows[0].cells[0])
    table.rows[1].height = Cm(5)
    table.rows[1].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    _widths(table, (Cm(16.6),))


def lesson_docx(item: Item) -> bytes:
    """One lesson as a Word 教案. Format 2 in the layout Beijing 教研 uses: 学情分析 and 设计依据
    before 教学目标, 板书设计 and 学习评价 after 教学过程, 核心/可选 on each step, a 教学反思 box."""
    m = item.meta
    two = item.format == 2
    doc = new_document()
    title = _para(doc, "Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(title, f"心理健康教育课教案：{m.title}")
    _school_line(doc)
    _header_table(doc, item)
    n = iter(NUMERALS)

    if two:
        _heading(doc, f"{next(n)}、学情分析")
        add_rich(doc, _section_text(item, "学情分析"))
        _heading(doc, f"{next(n)}、设计依据")
        p = doc.add_paragraph()
        _runs(p, f"**课型**：{m.lesson_type}")
        add_rich(doc, _section_text(item, "设计依据"))
    _heading(doc, f"{next(n)}、教学目标")
    for label, text in (("认知目标", m.objectives.cognitive), ("情感目标", m.objectives.affective), ("行为目标", m.objectives.behavioural)):
        p = doc.add_paragraph()
        _runs(p, f"**{label}**：{text}")
    _heading(doc, f"{next(n)}、教学重难点")
    add_markdown(doc, _section_text(item, "教学重难点"))
    _heading(doc, f"{next(n)}、教学准备")
    p = doc.add_paragraph()
    _runs(p, "**材料清单**：")
    for x in m.materials:
        _para(doc, "ListBullet").add_run(x)
    add_rich(doc, _without_worksheets(item, "教学准备"))

    _heading(doc, f"{next(n)}、教学过程")
    steps = item.steps
    period = _short_period(doc, item)
    if period is not None and two:
        from .profile import fit
        steps = fit(item, period)[0]
    table = _process_table(doc, steps, ("教学环节", "时间", "教师活动", "学生活动"), total_row=True)
    last = table.rows[-1].cells
    _set_cell(last[0], "合计", bold=True, center=True)
    total = sum(s.minutes for s in steps)
    core = sum(s.minutes for s in steps if s.role == "核心")
    _set_cell(last[1], f"{total}分钟", bold=True, center=True)
    if two and period is not None:
        merged = last[2].merge(last[3])
        _set_cell(merged, f"按本校{period}分钟课时排出的核心环节，共{core}分钟。")
    elif two:
        merged = last[2].merge(last[3])
        _set_cell(merged, f"核心环节共{core}分钟；时间不够时先删去“可选”环节。")
    _widths(table, (Cm(2.5), Cm(1.8), Cm(8.2), Cm(4.1)))

    after = ["板书设计", "学习评价"] if two else []
    for title_text in after + ["差异化与备用方案", "课后延伸", "家校链接", "安全提示"]:
        _heading(doc, f"{next(n)}、{title_text}")
        add_rich(doc, _section_text(item, title_text))
    p = doc.add_paragraph()
    _runs(p, f"**求助资源**：{help_line()}更多见资源库“求助资源”页。")
    doc.add_paragraph()
    if two:
        _reflection_box(doc)
    else:
        _runs(doc.add_paragraph(), "**课后反思**：")
        for _ in range(3):
            doc.add_paragraph("")
    return to_bytes(doc, m.title)


def _short_period(doc, item: Item) -> int | None:
    """When the school's period is shorter than the lesson: a note of what is kept and what is
    left out (the 核心 steps that fit, format 2), and the period; else None and nothing."""
    from .profile import fit, shortened
    period = shortened(item)
    if period is None:
        return None
    p = doc.add_paragraph()
    if item.format != 2:
        _runs(p, f"**本校一节课{period}分钟，本课按{item.meta.duration}分钟设计**：本课还没有标出核心和可选环节，"
                 "请按本校课时自行压缩（先压缩讨论和分享的时间，保留结束环节）。")
        return period
    kept, left = fit(item, period)
    text = (f"**本校一节课{period}分钟，本课按{item.meta.duration}分钟设计**：下表只保留放得下的核心环节"
            f"（共{sum(s.minutes or 0 for s in kept)}分钟）。")
    if left:
        text += "省去：" + "、".join(f"{s.name}（{s.minutes}分钟）" for s in left) + "。可在下一节课、班会或课后服务时间补上。"
    _runs(p, text)
    return period


def classmeeting_docx(item: Item) -> bytes:
    """A 班会微课 as a Word plan for the 班主任: aims, preparation, a timed table, safety."""
    m = item.meta
    doc = new_document()
    title = _para(doc, "Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(title, f"班会微课：{m.title}")
    _school_line(doc)
    rows = [("年级", data.label("grades", m.grade), "学期", f"{data.label('semesters', m.semester)}（建议第{'、'.join(map(str, m.weeks))}周）"),
            ("时长", f"{m.duration}分钟", "主持", "班主任"),
            ("班级", "", "日期", "")]
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for r, cells_text in enumerate(rows):
        for i, text in enumerate(cells_text):
            _set_cell(table.rows[r].cells[i], text, bold=i in (0, 2), center=i in (0, 2))
            if i in (0, 2):
                _shade(table.rows[r].cells[i])
    _widths(table, (Cm(2.4), Cm(6.0), Cm(2.4), Cm(5.8)))
    n = iter(NUMERALS)
    _heading(doc, f"{next(n)}、活动目标")
    for label, text in (("认知", m.objectives.cognitive), ("情感", m.objectives.affective), ("行为", m.objectives.behavioural)):
        _runs(doc.add_paragraph(), f"**{label}**：{text}")
    _heading(doc, f"{next(n)}、活动准备")
    for x in m.materials:
        _para(doc, "ListBullet").add_run(x)
    add_rich(doc, _section_text(item, "活动准备"))
    _heading(doc, f"{next(n)}、活动过程")
    table = _process_table(doc, item.steps, ("环节", "时间", "班主任", "学生"))
    _widths(table, (Cm(2.5), Cm(1.8), Cm(8.2), Cm(4.1)))
    for title_text in [s.title for s in item.doc.sections if s.title not in ("活动目标", "活动准备", "活动过程")]:
        _heading(doc, f"{next(n)}、{title_text}")
        add_rich(doc, _section_text(item, title_text))
    _runs(doc.add_paragraph(), f"**求助资源**：{help_line()}")
    return to_bytes(doc, m.title)


# --------------------------------------------------------------------------- 学习单

def _cell_borders(cell, **edges) -> None:
    """Set the borders of one table cell: edge=“single”, “dotted” or “nil”."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.makeelement(qn("w:tcBorders"), {})
    for edge in ("top", "left", "bottom", "right"):
        kind = edges.get(edge, "nil")
        attrs = {qn("w:val"): kind}
        if kind != "nil":
            attrs.update({qn("w:sz"): "6", qn("w:space"): "0", qn("w:color"): "808080"})
        borders.append(borders.makeelement(qn(f"w:{edge}"), attrs))
    tcpr.append(borders)


def _exact(row, cm: float) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY


def _ruby_run(paragraph, base: str, reading: str, size: float, bold: bool, east: str) -> None:
    """A run of characters with 拼音 above them (Word's phonetic guide, w:ruby)."""
    r = paragraph.add_run()
    _fonts(r, east, size, bold=bold)
    ruby = r._r.makeelement(qn("w:ruby"), {})
    pr = ruby.makeelement(qn("w:rubyPr"), {})
    for tag, val in (("w:rubyAlign", "distributeSpace"), ("w:hps", str(int(size))), ("w:hpsRaise", str(int(size * 2))),
                     ("w:hpsBaseText", str(int(size * 2))), ("w:lid", "zh-CN")):
        pr.append(pr.makeelement(qn(tag), {qn("w:val"): val}))
    ruby.append(pr)
    for tag, text, half_points in (("w:rt", reading, int(size)), ("w:rubyBase", base, int(size * 2))):
        holder = ruby.makeelement(qn(tag), {})
        inner = holder.makeelement(qn("w:r"), {})
        rpr = inner.makeelement(qn("w:rPr"), {})
        fonts = rpr.makeelement(qn("w:rFonts"), {qn("w:eastAsia"): east, qn("w:ascii"): LATIN_FONT, qn("w:hAnsi"): LATIN_FONT})
        rpr.append(fonts)
        rpr.append(rpr.makeelement(qn("w:sz"), {qn("w:val"): str(half_points)}))
        inner.append(rpr)
        t = inner.makeelement(qn("w:t"), {})
        t.text = text
        inner.append(t)
        holder.append(inner)
        ruby.append(holder)
    r._r.append(ruby)


def _ws_para(doc, text: str, size: float = 12, bold: bool = False, east: str = BODY_FONT, center: bool = False,
             line_cm: float | None = None):
    from .drawing import RUBY
    p = _para(doc)
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = Cm(line_cm or ws_mod.LAYOUT["text_line"])
    pos = 0
    for m in RUBY.finditer(text):
        if m.start() > pos:
            _fonts(p.add_run(text[pos:m.start()]), east, size, bold=bold)
        _ruby_run(p, m.group(1), m.group(2), size, bold, east)
        pos = m.end()
    if pos < len(text) or not text:
        _fonts(p.add_run(text[pos:]), east, size, bold=bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _gap(doc) -> None:
    p = _para(doc)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Cm(ws_mod.LAYOUT["gap"])


def worksheet_docx(item: Item, n: int, ws: "ws_mod.Worksheet") -> bytes:
    """One 学习单 on one A4 page: the heights follow worksheet.layout(grade), the same numbers the
    checker uses to refuse a worksheet that would not fit. Grades 1–3 get bigger type, taller
    lines, 拼音 over new characters and the drawings to colour."""
    from . import drawing
    L = ws_mod.layout(item.meta.grade)
    size, line = L["font_pt"], L["text_line"]
    doc = new_document()
    sec = doc.sections[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(L["margin"]))
    width = Cm(L["page_width"] - 2 * L["margin"])
    _ws_para(doc, ws.title, 16 if size <= 12 else 20, bold=True, east=HEAD_FONT, center=True)
    _ws_para(doc, f"{data.label('grades', item.meta.grade)} · {drawing.plain(item.meta.title)} · 学习单{n}", 9, center=True)
    if ws.intro:
        _ws_para(doc, ws.intro, size, line_cm=line)
        _gap(doc)
    k = 0
    root = item.path.parents[2] if len(item.path.parents) > 2 else ROOT
    for it in ws.items:
        if it.kind == "text":
            _ws_para(doc, it.text, size, line_cm=line)
            _gap(doc)
            continue
        k += 1
        _ws_para(doc, f"{k}. {it.prompt}" if it.prompt else f"{k}.", size, bold=True, line_cm=line)
        if it.kind in ("lines", "box"):
            rows = it.lines if it.kind == "lines" else 1
            table = doc.add_table(rows=rows, cols=1)
            for row in table.rows:
                _exact(row, L["write_line"] if it.kind == "lines" else it.box * L["box_line"])
                if it.kind == "lines":
                    _cell_borders(row.cells[0], bottom="dotted")
                else:
                    _cell_borders(row.cells[0], top="single", bottom="single", left="single", right="single")
            _widths(table, (width,))
        elif it.kind == "drawing":
            height_cm = it.drawing_lines * L["box_line"] - 0.2
            path = drawing.folder(root) / it.drawing
            p = _para(doc)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = Cm(it.drawing_lines * L["box_line"])
            p.add_run().add_picture(io.BytesIO(drawing.png(path, height_cm)), height=Cm(height_cm))
        elif it.kind == "choices":
            per = L["choices_per_line"]
            for i in range(0, len(it.choices), per):
                _ws_para(doc, "　　".join(f"□ {c}" for c in it.choices[i:i + per]), size, line_cm=line)
        else:
            cols = it.table.columns
            table = doc.add_table(rows=1 + it.table.rows, cols=len(cols))
            table.style = "Table Grid"
            _exact(table.rows[0], L["table_head"])
            for i, c in enumerate(cols):
                _set_cell(table.rows[0].cells[i], drawing.plain(c), bold=True, center=True)
                _shade(table.rows[0].cells[i])
            for row in table.rows[1:]:
                _exact(row, L["table_row"])
            _widths(table, [Cm((L["page_width"] - 2 * L["margin"]) / len(cols))] * len(cols))
        _gap(doc)
    return to_bytes(doc, f"学习单：{drawing.plain(ws.title)}")


def worksheets_docx(lessons: list[Item], heading: str) -> bytes:
    """The 教学准备 of each lesson: the worksheets, cards and stories the teacher prints."""
    doc = new_document()
    t = _para(doc, "Title")
    _runs(t, heading)
    for i, item in enumerate(lessons):
        if i:
            doc.add_page_break()
        _heading(doc, item.meta.title)
        p = doc.add_paragraph()
        _runs(p, "**材料清单**：" + "；".join(item.meta.materials))
        add_rich(doc, _without_worksheets(item, "教学准备"))
    return to_bytes(doc, heading)


def handouts_docx(modules: list[Item], heading: str) -> bytes:
    """Each parent module's one-page handout, one to a page."""
    doc = new_document()
    for i, item in enumerate(modules):
        if i:
            doc.add_page_break()
        t = _para(doc, "Title")
        _runs(t, item.meta.title)
        add_markdown(doc, _section_text(item, "一页讲义"))
        p = doc.add_paragraph()
        _runs(p, f"**需要帮助时**：{help_line()}")
    if not modules:
        doc.add_paragraph(f"{heading}：本学段暂无家长讲义。")
    return to_bytes(doc, heading)


# --------------------------------------------------------------------------- the semester pack

def _safe_name(title: str) -> str:
    """A worksheet title as part of a file name in the pack (no path or reserved characters)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", title)[:40] or "学习单"


def _zip_add(zf: zipfile.ZipFile, name: str, payload: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    # .docx files are zip archives already: store them, compress the rest.
    info.compress_type = zipfile.ZIP_STORED if name.endswith((".docx", ".pptx")) else zipfile.ZIP_DEFLATED
    zf.writestr(info, payload)


def parent_modules_for(lib: Library, grade: int, semester: str) -> list[Item]:
    stage = data.stage_of_grade(grade)
    return [m for m in lib.parents if m.meta.stage in (stage, "all") and m.meta.semester in (semester, "any")]


def semester_pack(lib: Library, grade: int, semester: str, cal: dict | None = None, docx_cache: dict | None = None) -> bytes:
    from . import planner
    lessons = lib.semester_lessons(grade, semester)
    name = f"{data.label('grades', grade)}{data.label('semesters', semester)}"
    plan = planner.plan(lib, grade, semester, cal)
    order = {item.id: n for n, item in enumerate(lessons, start=1)}     # the one teaching order (xinyu.planner)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for item in lessons:
            n = order.get(item.id, len(order) + 1 + lessons.index(item))
            files = (docx_cache or {}).get(item.id) or lesson_files(item)
            _zip_add(zf, f"教案/{n:02d}-{item.id}.docx", files[lesson_docx_uri(item)])
            for k, ws in enumerate(item.worksheets, start=1):
                _zip_add(zf, f"学习单/{n:02d}-{k}-{_safe_name(ws.title)}.docx", files[worksheet_docx_uri(item, k)])
            if slides_uri(item) in files:
                _zip_add(zf, f"课件/{n:02d}-{item.id}.pptx", files[slides_uri(item)])
        meetings = lib.semester_classmeetings(grade, semester)
        for item in meetings:
            files = (docx_cache or {}).get(item.id) or {classmeeting_docx_uri(item): classmeeting_docx(item)}
            _zip_add(zf, f"班会微课/{item.id}.docx", files[classmeeting_docx_uri(item)])
        _zip_add(zf, "学习单与材料.docx", worksheets_docx(lessons, f"{name}学习单与材料"))
        stem = f"grade-{grade:02d}-{semester}"
        _zip_add(zf, f"学期计划/{stem}.csv", planner.to_csv(plan))
        _zip_add(zf, f"学期计划/{stem}.ics", planner.to_ics(plan))
        parents = parent_modules_for(lib, grade, semester)
        _zip_add(zf, "家长讲义.docx", handouts_docx(parents, f"{name}家长讲义"))
        school = data.school_name()
        readme = ((f"{school}\r\n" if school else "") + f"{name}心理课资料包\r\n\r\n"
                  f"教案/：本学期 {len(lessons)} 份教案（Word，可修改），文件名前的序号是学期计划中的顺序。\r\n"
                  "学习单/：每张学习单一个 Word 文件，一页 A4，可直接复印；文件名前是课的序号和学习单的序号。\r\n"
                  "课件/：每节课的 PPT 课件（16:9），只放学生看的内容。\r\n"
                  "学习单与材料.docx：每课的教学准备全文（情境卡、故事等其他材料）。\r\n"
                  + (f"班会微课/：本学期 {len(meetings)} 份班主任在班会上用的 15–20 分钟活动方案，请转给班主任。\r\n" if meetings else "")
                  + f"学期计划/：按{'本校' if school else '默认'}校历排出的计划（CSV 可用 Excel 打开；.ics 可导入日历）。"
                  + (f"其中考试日期为假设：{'；'.join(plan.assumptions)}，请按本校校历调整。" if plan.assumptions else "") + "\r\n"
                  f"家长讲义.docx：本学段家长模块的一页讲义（{len(parents)} 份）。\r\n")
        _zip_add(zf, "说明.txt", readme.encode("utf-8"))
    return buf.getvalue()


def pack_uri(grade: int, semester: str) -> str:
    return f"downloads/packs/grade-{grade:02d}-{semester}.zip"


def lesson_docx_uri(item: Item) -> str:
    return f"downloads/lessons/{item.id}.docx"


def classmeeting_docx_uri(item: Item) -> str:
    return f"downloads/classmeetings/{item.id}.docx"


def worksheet_docx_uri(item: Item, n: int) -> str:
    return f"downloads/worksheets/{item.id}-{n}.docx"


def slides_uri(item: Item) -> str:
    return f"downloads/slides/{item.id}.pptx"


def lesson_files(item: Item) -> dict[str, bytes]:
    """A lesson's own downloads: the 教案, each 学习单 and (format 2) the 课件."""
    out = {lesson_docx_uri(item): lesson_docx(item)}
    for n, ws in enumerate(item.worksheets, start=1):
        out[worksheet_docx_uri(item, n)] = worksheet_docx(item, n, ws)
    if item.format == 2:
        out[slides_uri(item)] = lesson_pptx(item)
    return out


def download_uris(lib: Library) -> list[str]:
    """The docs-space paths of every Word file and pack the site links to (cheap: no export)."""
    uris = []
    for i in lib.lessons:
        uris.append(lesson_docx_uri(i))
        uris += [worksheet_docx_uri(i, n) for n in range(1, len(i.worksheets) + 1)]
        if i.format == 2:
            uris.append(slides_uri(i))
    uris += [classmeeting_docx_uri(i) for i in lib.classmeetings]
    for g in data.grades():
        for s in ("autumn", "spring"):
            if lib.semester_lessons(g, s):
                uris.append(pack_uri(g, s))
    return uris


def downloads(lib: Library, problems=(), use_cache: bool = True) -> dict[str, bytes]:
    """Every Word file and pack the site links to: docs-space path → bytes. Each lesson's own
    files come from the export cache when nothing they are made from has changed."""
    cal = data.calendar()          # the school's calendar (SCHOOL=…), else the default
    out, cache = {}, {}
    store = ExportCache(lib.root or ROOT) if use_cache else None
    for item in lib.lessons:
        check_item(item, problems)
        files = store.files(item, lesson_files) if store else lesson_files(item)
        out.update(files)
        cache[item.id] = files
    meeting_files = lambda i: {classmeeting_docx_uri(i): classmeeting_docx(i)}
    for item in lib.classmeetings:
        check_item(item, problems)
        files = store.files(item, meeting_files) if store else meeting_files(item)
        out.update(files)
        cache[item.id] = files
    for uri in download_uris(lib):
        if uri.endswith(".zip"):
            g, s = int(uri[-len("07-autumn.zip"):-len("-autumn.zip")]), uri.rsplit("-", 1)[1][:-4]
            make = lambda g=g, s=s, uri=uri: {uri: semester_pack(lib, g, s, cal, cache)}
            if store:       # a pack is made from its grade's lessons and 班会微课 and the parent modules
                made_from = [i for i in lib.lessons + lib.classmeetings if i.meta.grade == g] + lib.parents
                out.update(store.files_for(store.group_key(uri, made_from), make))
            else:
                out.update(make())
    if store and data.profile() is None:
        store.prune()              # a school's edition (its own keys) leaves the district's entries alone
    return out


def write_downloads(out_dir: str, root: str | None = None) -> list[str]:
    """Export everything into `out_dir` (run by the site build in a second process, so that Word
    files are made while MkDocs renders pages). Returns the paths written."""
    from pathlib import Path
    from .content import load
    from .profile import restrict
    lib = restrict(load(Path(root) if root else None), data.profile())   # a school's edition: its grades
    written = []
    use_cache = os.environ.get("XINYU_EXPORT_CACHE", "1") != "0"      # 0: make every file anew (benchmark)
    for uri, payload in downloads(lib, use_cache=use_cache).items():
        path = Path(out_dir) / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        written.append(uri)
    return written


if __name__ == "__main__":      # used by the site build: python -m xinyu.export OUT_DIR
    import sys
    try:
        write_downloads(sys.argv[1])
    except ExportError as exc:
        sys.exit(str(exc))
