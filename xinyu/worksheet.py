"""学习单 (worksheets): structured blocks inside a lesson, each printed on one A4 page.

A worksheet is a fenced block in the lesson's 教学准备 (docs/contribute.md, 教案格式 2):

    ```worksheet
    title: 我的愤怒升温曲线
    intro: 回想最近一次让你很生气的事。
    items:
      - prompt: 事情的开头是……
        lines: 2
      - prompt: 画出你的怒气温度。
        box: 7
      - prompt: 我的身体有什么反应？
        choices: [脸发烫, 心跳加快, 其他]
      - prompt: 我的暂停键
        table: {columns: [停, 呼, 离, 说], rows: 1}
      - prompt: 给毛毛虫涂上颜色。
        drawing: caterpillar.svg    # a line drawing in lessons/drawings/
        size: 6
      - text: 这张学习单不收、不打分。
    ```

Text may carry 拼音 over new characters for young children: {毛毛虫|máo mao chóng}.

This module reads the blocks (with the file line of each, for the checker's messages), checks
them against the schema, and estimates the printed height, which the Word file, the printed
page card and the checker share (LAYOUT): a worksheet that passes the checker fits one A4 page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FENCE_OPEN = re.compile(r"^\s*```\s*worksheet\s*$")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")
MATERIAL = re.compile(r"学习单《([^》]+)》")

# Printed layout, in centimetres, shared by the Word file (xinyu/export.py), the print CSS
# (docs/assets/stylesheets/print.css uses the same numbers) and the fit check below.
LAYOUT = {
    "page_height": 29.7, "page_width": 21.0, "margin": 1.8,
    "usable_height": 25.5,        # 29.7 − 2 × 1.8, less the footer line
    "title": 1.6,                 # 黑体 16 pt title and the lesson line under it
    "text_line": 0.75,            # one wrapped line of 12 pt text (exact line spacing)
    "chars_per_line": 38,         # 12 pt CJK characters across 17.4 cm
    "write_line": 0.95,           # one ruled writing line
    "box_line": 0.95,             # a box of height N is N writing lines tall
    "table_head": 0.9,
    "table_row": 1.7,
    "choices_per_line": 5,
    "gap": 0.3,                   # space after each item
    "font_pt": 12,
}
# Grades 1–3: bigger type and writing lines, a few words per prompt (docs/contribute.md).
LAYOUT_YOUNG = {**LAYOUT, "text_line": 1.05, "chars_per_line": 26, "write_line": 1.3, "box_line": 1.0,
                "table_row": 2.0, "choices_per_line": 3, "font_pt": 16, "ruby_line": 0.45}
YOUNG_GRADES = (1, 2, 3)
YOUNG_LIMITS = {"prompt": 20, "intro": 30, "lines": 2, "columns": 3}


def layout(grade: int) -> dict:
    return LAYOUT_YOUNG if grade in YOUNG_GRADES else LAYOUT


KINDS = ("lines", "box", "choices", "table", "drawing", "text")


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str] = Field(min_length=1, max_length=6)
    rows: int = Field(1, ge=1, le=10)


class WorksheetItem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    prompt: Optional[str] = None
    lines: Optional[int] = Field(None, ge=1, le=10, description="ruled writing lines")
    box: Optional[int] = Field(None, ge=2, le=20, description="a blank box, N writing lines tall")
    choices: Optional[list[str]] = Field(None, min_length=2, max_length=12, description="tick boxes")
    table: Optional[Table] = None
    text: Optional[str] = Field(None, description="an instruction with no space to answer")
    drawing: Optional[str] = Field(None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*\.svg$", description="a line drawing in lessons/drawings/")
    size: Optional[int] = Field(None, ge=2, le=14, description="height of the drawing, in writing lines (default 6)")

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("each item has exactly one of lines, box, choices, table, drawing or text"
                             + (f" (this one has {', '.join(kinds)})" if kinds else ""))
        if self.size is not None and kinds[0] != "drawing":
            raise ValueError("size is the height of a drawing; use it with drawing")
        if kinds[0] not in ("text", "drawing") and not self.prompt:
            raise ValueError(f"an item with {kinds[0]} needs a prompt: the question the student answers")
        if kinds[0] == "text" and self.prompt:
            raise ValueError("a text item is a plain instruction: write it as text, without prompt")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if getattr(self, k) is not None)

    @property
    def drawing_lines(self) -> int:
        return self.size or 6


class Worksheet(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=2)
    intro: Optional[str] = None
    items: list[WorksheetItem] = Field(min_length=1, max_length=12)


@dataclass
class Block:
    """One worksheet block as found in a file: where it is, and what it holds (or why not)."""
    line: int                        # file line of the opening ```worksheet
    end: int                         # file line of the closing ```
    worksheet: Worksheet | None
    error: tuple[int, str, str] | None = None     # (line, problem, fix)


def _lines_text(text: str, L: dict = LAYOUT) -> int:
    from .drawing import plain
    return max(1, -(-len(plain(text)) // L["chars_per_line"]))


def _text_height(text: str, L: dict) -> float:
    """Wrapped lines of text; a line with 拼音 over it is taller."""
    from .drawing import RUBY
    extra = L.get("ruby_line", 0.4) if RUBY.search(text) else 0.0
    return _lines_text(text, L) * (L["text_line"] + extra)


def height(ws: Worksheet, grade: int = 7) -> float:
    """Estimated printed height in cm (title, intro, items), as laid out by the Word export."""
    L = layout(grade)
    h = L["title"]
    if ws.intro:
        h += _text_height(ws.intro, L) + L["gap"]
    for it in ws.items:
        if it.prompt:
            h += _text_height(it.prompt, L)
        k = it.kind
        if k == "lines":
            h += it.lines * L["write_line"]
        elif k == "box":
            h += it.box * L["box_line"]
        elif k == "drawing":
            h += it.drawing_lines * L["box_line"]
        elif k == "choices":
            h += -(-len(it.choices) // L["choices_per_line"]) * L["text_line"]
        elif k == "table":
            h += L["table_head"] + it.table.rows * L["table_row"]
        else:
            h += _text_height(it.text, L)
        h += L["gap"]
    return round(h, 1)


def fits(ws: Worksheet, grade: int = 7) -> bool:
    return height(ws, grade) <= LAYOUT["usable_height"]


def young_problems(ws: Worksheet) -> list[tuple[int | None, str, str]]:
    """What makes a worksheet too hard for a six- to eight-year-old: (item index, problem, fix)."""
    from .drawing import plain
    lim = YOUNG_LIMITS
    out = []
    if ws.intro and len(plain(ws.intro)) > lim["intro"]:
        out.append((None, f"the intro has {len(plain(ws.intro))} characters; young children read at most {lim['intro']}",
                    "shorten it; the teacher says the rest"))
    for i, it in enumerate(ws.items):
        text = it.prompt or it.text or ""
        if len(plain(text)) > lim["prompt"]:
            out.append((i, f"item {i + 1} has {len(plain(text))} characters; a prompt for grades 1–3 is one short line ({lim['prompt']} at most)",
                        "cut it to a few words, or draw it"))
        if it.lines and it.lines > lim["lines"]:
            out.append((i, f"item {i + 1} asks for {it.lines} writing lines", f"give young children at most {lim['lines']} lines, or a box to draw in"))
        if it.table and len(it.table.columns) > lim["columns"]:
            out.append((i, f"item {i + 1} has a table of {len(it.table.columns)} columns", f"use at most {lim['columns']} columns"))
    if not any(it.kind in ("box", "drawing") for it in ws.items):
        out.append((None, "the worksheet has no box to draw in and no picture to colour",
                    "young children show more by drawing: add a box or a drawing item"))
    return out


def ruby_problems(text: str) -> list[str]:
    """Braces that are not well-formed 拼音 marks {汉字|pīn yīn}."""
    from .drawing import RUBY
    rest = RUBY.sub("", text)
    return ["'{' or '}' outside a 拼音 mark; write {汉字|hàn zì}"] if "{" in rest or "}" in rest else []


def _item_lines(node, first: int) -> list[int]:
    """File line of each entry of `items`, from the YAML node tree."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "items" and isinstance(value, yaml.SequenceNode):
            return [first + v.start_mark.line for v in value.value]
    return []


def parse_block(text: str, first: int) -> tuple[Worksheet | None, tuple[int, str, str] | None]:
    """A block's YAML (its first line is file line `first`) as a Worksheet, or the error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first + mark.line if mark else first
        return None, (line, f"worksheet is not valid YAML ({getattr(exc, 'problem', None) or exc})",
                      "check the indentation and colons; see the worksheet example on the contributor page")
    if not isinstance(raw, dict):
        return None, (first, "worksheet block must hold fields (title, items)", "see the worksheet example on the contributor page")
    try:
        return Worksheet.model_validate(raw), None
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err.get("loc", ())
        line = first
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            lines = _item_lines(node, first)
            if loc[1] < len(lines):
                line = lines[loc[1]]
        where = ".".join(str(p) for p in loc) or "worksheet"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = f"'{where}' is missing"
        elif err["type"] == "extra_forbidden":
            msg = f"unknown field '{where}'"
        else:
            msg = f"'{where}': {msg}"
        return None, (line, f"worksheet {msg}", "fields are title, intro, items; each item has a prompt and one of lines, box, choices, table, drawing, text")


def blocks(numbered_lines) -> list[Block]:
    """Every ```worksheet block in (line number, text) pairs."""
    found: list[Block] = []
    start, buf = None, []
    for n, t in numbered_lines:
        if start is None:
            if FENCE_OPEN.match(t):
                start, buf = n, []
            continue
        if FENCE_CLOSE.match(t):
            ws, err = parse_block("\n".join(buf), start + 1)
            found.append(Block(start, n, ws, err))
            start = None
            continue
        buf.append(t)
    if start is not None:
        found.append(Block(start, start, None, (start, "worksheet block is not closed", "end it with a line ```")))
    return found


def texts(ws: Worksheet) -> list[str]:
    """Every piece of text on a worksheet (for the safety checks and the slides)."""
    out = [ws.title] + ([ws.intro] if ws.intro else [])
    for it in ws.items:
        out += [x for x in (it.prompt, it.text) if x]
        out += it.choices or []
        out += it.table.columns if it.table else []
    return out
