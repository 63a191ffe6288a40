"""课件: a lesson's slides (16:9 PowerPoint), made with python-pptx.

Only what students see: the title, the aims in their words (`student_aims`), one slide per step
with what they do (the numbered **学生活动** tasks) and, where the step has them, a slide with
its discussion questions; each worksheet's prompts; the exit task (出门条); and for a sensitive
lesson where to get help (data/contacts.yml). Teacher-only text (教师活动, 引导语, 安全提示,
去角色 notes, 时间不够时) never reaches a slide.

Chinese text is set in 微软雅黑 through the East-Asian font slot, which PowerPoint and WPS on
Chinese Windows both have. The same content gives the same bytes (fixed times in the archive).
"""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import re

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Cm, Pt

from . import data, drawing
from .content import Item
from .office import fixed_times

EAST_FONT, LATIN_FONT = "微软雅黑", "Arial"
WIDTH, HEIGHT = Cm(33.867), Cm(19.05)          # 16:9
TEAL = RGBColor(0x00, 0x69, 0x5C)
GREY = RGBColor(0x44, 0x44, 0x44)
FIXED = dt.datetime(2025, 9, 1)
TEACHER_ONLY = re.compile(r"教师|老师")


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def plain(text: str) -> str:
    """Markdown marks and links off, 拼音 in brackets: slide text is plain."""
    text = drawing.with_pinyin_in_brackets(IMAGE.sub("", text))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\*\*|`|<[^>]+>", "", text)
    return re.sub(r"^\s*(?:>\s*)?(?:[-*]\s+|\d+[.、．]\s*)", "", text).strip()


def _font(run, size: int, bold: bool = False, color: RGBColor = GREY) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT
    run.font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", EAST_FONT)


def _box(slide, left, top, width, height, lines: list[str], size: int, bold: bool = False,
         color: RGBColor = GREY, numbered: bool = False):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.space_after = Pt(10)
        run = p.add_run()
        run.text = f"{i + 1}. {line}" if numbered else line
        _font(run, size, bold, color)
    return frame


def _slide(prs, title: str, lines: list[str] = (), numbered: bool = True, note: str = "", narrow: bool = False):
    slide = prs.slides.add_slide(prs.slide_layouts[6])          # blank
    _box(slide, Cm(1.8), Cm(1.2), WIDTH - Cm(3.6), Cm(2.6), [title], 32, bold=True, color=TEAL)
    if lines:
        size = 26 if sum(len(x) for x in lines) < 160 else 22 if sum(len(x) for x in lines) < 320 else 18
        width = (WIDTH - Cm(4.4)) // 2 if narrow else WIDTH - Cm(4.4)
        _box(slide, Cm(2.2), Cm(4.4), width, HEIGHT - Cm(6.2), list(lines), size, numbered=numbered)
    if note:
        _box(slide, Cm(2.2), HEIGHT - Cm(1.9), WIDTH - Cm(4.4), Cm(1.2), [note], 14)
    return slide


def _pictures(slide, paths) -> None:
    """Drawings on the right half of a slide, side by side, each at most 11 cm tall."""
    paths = [p for p in paths if p.exists()][:3]
    if not paths:
        return
    left, right, top = WIDTH // 2, WIDTH - Cm(1.5), Cm(4.4)
    slot = (right - left) // len(paths)
    for k, path in enumerate(paths):
        height = Cm(11)
        width = int(height * drawing.aspect(path))
        if width > slot - Cm(0.4):
            width = slot - Cm(0.4)
            height = int(width / drawing.aspect(path))
        slide.shapes.add_picture(io.BytesIO(drawing.png(path, height / 360000)), left + k * slot, top, width=width, height=height)


def _labelled(section, label: str) -> list[str]:
    """The numbered items after a **label** line of a section (until the next label)."""
    start = section.find(rf"\*\*{label}\*\*")
    if start is None:
        return []
    out = []
    for n, t in section.lines:
        if n <= start:
            continue
        if re.match(r"^\s*\*\*[^*]+\*\*[：:]", t) or t.lstrip().startswith("#"):
            break
        if re.match(r"^\s*\d+[.、．]\s*\S", t):
            out.append(plain(t))
    return out


def _exit_task(item: Item) -> str:
    s = item.doc.section("学习评价")
    n = s.find(r"\*\*出门条\*\*") if s else None
    if n is None:
        return ""
    text = plain(re.sub(r"^\s*\*\*出门条\*\*[：:]\s*", "", next(t for k, t in s.lines if k == n)))
    # Sentences that tell the teacher what to do stay off the slide.
    sentences = re.findall(r"[^。！？]+[。！？]?[”’」』）)]*", text)
    return "".join(x for x in sentences if not TEACHER_ONLY.search(x)).strip()


def help_lines() -> list[str]:
    lines = ["班主任、心理老师、学校心理辅导室：随时可以找他们"]
    school = data.profile()
    if school and school.room:
        r = school.room
        lines.insert(0, f"本校心理辅导室：{plain(r['place']['zh'])}，{plain(r['hours']['zh'])}" + (f"，{r['phone']['zh']}" if r.get("phone") else ""))
    for c in data.contacts():
        if c.get("verified") and c.get("phone") and c["kind"] in ("hotline", "emergency"):
            name = c["name"]["zh"]
            lines.append(name if c["phone"] in name else f"{name}：{c['phone']}")
    return lines


def _root(item: Item):
    return item.path.parents[2]


def step_pictures(item: Item, step) -> list:
    """The library drawings a step shows (Markdown images pointing into lessons/drawings/)."""
    folder = drawing.folder(_root(item))
    return [folder / posixpath.basename(m.group(2)) for _, t in step.lines for m in IMAGE.finditer(t)
            if "/drawings/" in m.group(2)]


def slide_texts(item: Item) -> list[tuple[str, list[str], list]]:
    """(title, lines, pictures) of every slide of a lesson's 课件, in order: what lesson_pptx lays out."""
    m = item.meta
    grade = f"{data.label('grades', m.grade)} · {data.label('semesters', m.semester)}"
    school = data.school_name()
    slides = [(plain(m.title), [grade, "心理健康教育课"] + ([school] if school else []), []),
              ("今天我们一起", [plain(a) for a in m.student_aims], [])]
    for step in taught_steps(item):
        tasks = _labelled(step, "学生活动")
        slides.append((f"{step.name}（{step.minutes}分钟）", tasks, step_pictures(item, step)))
        questions = _labelled(step, "讨论问题")
        if questions:
            slides.append(("想一想，聊一聊", questions, []))
    folder = drawing.folder(_root(item))
    for n, ws in enumerate(item.worksheets, start=1):
        lines = ([plain(ws.intro)] if ws.intro else []) + [plain(it.prompt or it.text or "") for it in ws.items if it.prompt or it.text]
        pictures = [folder / it.drawing for it in ws.items if it.drawing]
        slides.append((f"学习单{n}：{plain(ws.title)}", lines, pictures))
    exit_task = _exit_task(item)
    if exit_task:
        slides.append(("出门条", [exit_task], []))
    if m.sensitivity != "standard":
        slides.append(("需要帮助时", help_lines(), []))
    return slides


def taught_steps(item: Item) -> list:
    """The steps the slides show: all of them, or in a school whose period is shorter than the
    lesson, the 核心 steps that fit (xinyu.profile.fit)."""
    from .profile import fit, shortened
    period = shortened(item)
    return fit(item, period)[0] if period is not None and item.format == 2 else item.steps


def left_out_note(item: Item) -> str:
    """For the teacher (speaker notes of the first slide): what the school's period leaves out."""
    from .profile import fit, shortened
    period = shortened(item)
    if period is None or item.format != 2:
        return ""
    left = fit(item, period)[1]
    if not left:
        return ""
    return (f"本校一节课{period}分钟，本课按{item.meta.duration}分钟设计：课件只放核心环节。省去："
            + "、".join(f"{s.name}（{s.minutes}分钟）" for s in left) + "。")


def lesson_pptx(item: Item) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    texts = slide_texts(item)
    for i, (title, lines, pictures) in enumerate(texts):
        if i == 0:
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            _box(slide, Cm(2), Cm(5.5), WIDTH - Cm(4), Cm(4.5), [title], 40, bold=True, color=TEAL)
            _box(slide, Cm(2), Cm(11), WIDTH - Cm(4), Cm(3), lines, 24)
            note = left_out_note(item)
            if note:
                slide.notes_slide.notes_text_frame.text = note
        else:
            slide = _slide(prs, title, lines, numbered=title not in ("需要帮助时", "出门条") and not title.startswith("学习单"),
                           narrow=bool(pictures))
            _pictures(slide, pictures)
    core = prs.core_properties
    core.author = core.last_modified_by = "心育资源库"
    core.title = item.meta.title
    core.created = core.modified = FIXED
    core.revision = 1
    raw = io.BytesIO()
    prs.save(raw)
    return fixed_times(raw.getvalue())
