"""Reading a content file: YAML front matter with line numbers, and Markdown sections.

Every location is a 1-based line number in the file, so the checker can say `path:line:`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
# A timed step's heading ends with its minutes, and in format 2 with 核心 or 可选:
# “（12分钟）” or “（12分钟，核心）”.
MINUTES = re.compile(r"[（(]\s*(\d+)\s*分钟\s*(?:[，,、·｜|]\s*(核心|可选)\s*)?[)）]\s*$")


class ContentError(Exception):
    """A problem that stops a file from being read at all."""

    def __init__(self, path: Path, line: int, message: str, fix: str):
        super().__init__(f"{path}:{line}: {message} — {fix}")
        self.path, self.line, self.message, self.fix = path, line, message, fix


@dataclass
class Section:
    title: str
    level: int
    line: int                      # line of the heading in the file
    lines: list[tuple[int, str]]   # (line number, text) of everything under the heading
    children: list["Section"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.lines)

    @property
    def own_text(self) -> str:
        """Text before the first sub-heading."""
        stop = self.children[0].line if self.children else None
        return "\n".join(t for n, t in self.lines if stop is None or n < stop)

    def find(self, pattern: str) -> int | None:
        """Line number of the first line matching `pattern`, or None."""
        rx = re.compile(pattern)
        for n, t in self.lines:
            if rx.search(t):
                return n
        return None

    @property
    def minutes(self) -> int | None:
        m = MINUTES.search(self.title)
        return int(m.group(1)) if m else None

    @property
    def role(self) -> str | None:
        """“核心” or “可选” (format 2), or None when the heading does not say."""
        m = MINUTES.search(self.title)
        return m.group(2) if m else None

    @property
    def name(self) -> str:
        """The heading without its numbering and minutes: “一、暖身：名字接龙（5分钟）” → “暖身：名字接龙”."""
        t = MINUTES.sub("", self.title).strip()
        return re.sub(r"^[一二三四五六七八九十\d]+[、.．]\s*", "", t)

    @property
    def activity(self) -> str:
        """The activity's own name, after the phase label: “暖身：名字接龙” → “名字接龙”."""
        return re.split(r"[：:]", self.name, maxsplit=1)[-1].strip()


@dataclass
class Document:
    path: Path
    meta: dict
    meta_lines: dict[str, int]
    body_start: int                # file line number of the first body line
    body: str
    sections: list[Section]        # level-2 sections, each with its level-3 children

    def section(self, title: str) -> Section | None:
        for s in self.sections:
            if s.title == title:
                return s
        return None

    def line_of(self, key: str) -> int:
        return self.meta_lines.get(key, 1)

    def body_lines(self) -> list[tuple[int, str]]:
        return [(self.body_start + i, t) for i, t in enumerate(self.body.split("\n"))]


Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when available: much faster


def _parse(text: str, offset: int) -> tuple[object, dict[str, int]]:
    """The YAML value and the file line of each top-level key, from one parse."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            lines[str(key.value)] = key.start_mark.line + 1 + offset
        _no_duplicate_keys(node, offset)
    return value, lines


class DuplicateKey(ValueError):
    def __init__(self, key: str, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


def _no_duplicate_keys(node, offset: int) -> None:
    """YAML keeps the last of two equal keys without a word; here that is an error."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1 + offset
            name = str(key.value)
            if name in seen:
                raise DuplicateKey(name, seen[name], line)
            seen[name] = line
            _no_duplicate_keys(value, offset)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            _no_duplicate_keys(value, offset)


def read(path: Path) -> Document:
    text = _read_text(path)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "no front matter", "start the file with a line '---', the YAML fields, and another '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ContentError(path, 1, "front matter is not closed", "add a line '---' after the last YAML field") from None
    raw = "\n".join(lines[1:end])
    try:
        meta, key_lines = _parse(raw, offset=1)
        meta = meta or {}
    except DuplicateKey as exc:
        raise ContentError(path, exc.second, f"'{exc.key}' is written twice in the front matter (lines {exc.first} and {exc.second})",
                           "keep one of them: YAML would silently use the last") from None
    except yaml.YAMLError as exc:
        raise _yaml_problem(path, exc) from None
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be YAML fields (key: value)", "see the template in data/templates/")
    body_start = end + 2
    body = "\n".join(lines[end + 1:])
    return Document(path, meta, key_lines, body_start, body, parse_sections(body, body_start))


def _read_text(path: Path) -> str:
    """UTF-8 with or without BOM; other encodings, a missing file or a too large one: ContentError."""
    from .userfiles import MAX_CONTENT_BYTES, SAVE_AS_UTF8, EncodingProblem, UserError, decode_utf8, read_bytes
    try:
        raw = read_bytes(path)
        if len(raw) > MAX_CONTENT_BYTES:
            raise ContentError(path, 1, f"the file is {len(raw) // 1024} KB, more than the {MAX_CONTENT_BYTES // 1024} KB a content file may be",
                               "split it, or take out pasted images and data")
        return decode_utf8(raw, path)
    except EncodingProblem as exc:
        raise ContentError(path, 1, f"saved as {exc.encoding}", SAVE_AS_UTF8) from None
    except UserError as exc:
        message, _, fix = str(exc).removeprefix(f"{path}: ").partition(" — ")
        raise ContentError(path, 1, message, fix) from None


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> ContentError:
    """The line to look at: where an unclosed bracket or quote opens, else where YAML stopped."""
    mark = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    if opened is not None and mark is not None and opened.line < mark.line and context.startswith(("while parsing a flow", "while scanning a quoted")):
        what = "bracket" if "flow" in context else "quote"
        return ContentError(path, opened.line + 2, f"front matter is not valid YAML: the {what} opened on this line is not closed "
                                                   f"({problem}, from line {opened.line + 2} to {mark.line + 2})",
                            f"close the {what} on this line")
    line = mark.line + 2 if mark else 2
    return ContentError(path, line, f"front matter is not valid YAML ({problem})", "check quotes, colons and indentation on this line")


def parse_sections(body: str, first_line: int) -> list[Section]:
    """Level-2 sections with their level-3 children; code fences are skipped."""
    top: list[Section] = []
    current2: Section | None = None
    current3: Section | None = None
    in_fence = False
    for i, text in enumerate(body.split("\n")):
        n = first_line + i
        if FENCE.match(text):
            in_fence = not in_fence
        m = None if in_fence else HEADING.match(text)
        if m and len(m.group(1)) <= 2:
            current2 = Section(m.group(2).strip(), len(m.group(1)), n, []) if len(m.group(1)) == 2 else None
            if current2:
                top.append(current2)
            current3 = None
            continue
        if m and len(m.group(1)) == 3 and current2 is not None:
            current3 = Section(m.group(2).strip(), 3, n, [])
            current2.children.append(current3)
            current2.lines.append((n, text))
            continue
        if current2 is not None:
            current2.lines.append((n, text))
        if current3 is not None:
            current3.lines.append((n, text))
    return top
