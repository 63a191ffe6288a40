"""The library of content: lessons, parent modules and training units, read from disk."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .document import ContentError, Document, Section, read
from .model import SCHEMAS, TIMED_SECTION
from .paths import CONTENT_DIRS, ROOT
from .worksheet import Block, Worksheet, blocks


@dataclass
class Problem:
    """One finding of the checker: `path:line: message — fix`."""
    path: Path
    line: int
    message: str
    fix: str = ""
    level: str = "error"   # error | warning
    rule: str = ""

    def __str__(self) -> str:
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        text = f"{shown}:{self.line}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


@dataclass
class Item:
    kind: str            # lesson | parent | training
    doc: Document
    meta: BaseModel

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def src_uri(self) -> str:
        """Where the page sits in the site's docs space (zh); the English page adds en/."""
        if self.kind in ("lesson", "classmeeting"):
            return f"lessons/grade-{self.meta.grade:02d}/{self.id}.md"
        if self.kind == "overview":
            return f"lessons/grade-{self.meta.grade:02d}/semester-{self.meta.semester}.md"
        return f"{'parents' if self.kind == 'parent' else 'training'}/{self.id}.md"

    @property
    def steps(self) -> list[Section]:
        if self.kind not in TIMED_SECTION:
            return []
        s = self.doc.section(TIMED_SECTION[self.kind])
        return s.children if s else []

    @property
    def total_minutes(self) -> int:
        if self.kind in ("lesson", "classmeeting"):
            return self.meta.duration
        if self.kind == "parent":
            return self.meta.session_minutes
        return round(self.meta.hours * 60)

    @cached_property
    def worksheet_blocks(self) -> list[Block]:
        """The ```worksheet blocks of a lesson (教案格式 2), parsed, with their file lines."""
        return blocks(self.doc.body_lines()) if self.kind == "lesson" else []

    @property
    def worksheets(self) -> list[Worksheet]:
        return [b.worksheet for b in self.worksheet_blocks if b.worksheet is not None]

    @property
    def format(self) -> int:
        return getattr(self.meta, "format", 1)

    @property
    def translation(self) -> Path | None:
        """The English version, if one has been written: `<id>.en.md` beside the file."""
        p = self.path.with_name(f"{self.path.stem}.en.md")
        return p if p.exists() else None


@dataclass
class Library:
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # files that could not be read
    downloads: bool = False     # the site offers Word files and semester packs (set by the build)
    root: Path | None = None    # the tree it was read from (None: the project)

    def of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def _sorted(self, kind: str, key) -> list[Item]:
        """Items of a kind in order, sorted once (again only if items were added since)."""
        cache = self.__dict__.setdefault("_order", {})
        stamp = len(self.items)
        if kind not in cache or cache[kind][0] != stamp:
            cache[kind] = (stamp, sorted(self.of(kind), key=key))
        return list(cache[kind][1])

    @property
    def lessons(self) -> list[Item]:
        return self._sorted("lesson", lambda i: (i.meta.grade, i.meta.semester != "autumn", min(i.meta.weeks), i.id))

    def _by_grade_semester(self, kind: str) -> dict:
        cache = self.__dict__.setdefault("_groups", {})
        stamp = len(self.items)
        if kind not in cache or cache[kind][0] != stamp:
            groups: dict = {}
            for i in (self.lessons if kind == "lesson" else self.classmeetings):
                groups.setdefault((i.meta.grade, i.meta.semester), []).append(i)
            cache[kind] = (stamp, groups)
        return cache[kind][1]

    @property
    def classmeetings(self) -> list[Item]:
        return self._sorted("classmeeting", lambda i: (i.meta.grade, i.meta.semester != "autumn", min(i.meta.weeks), i.id))

    def semester_classmeetings(self, grade: int, semester: str) -> list[Item]:
        return list(self._by_grade_semester("classmeeting").get((grade, semester), []))

    @property
    def parents(self) -> list[Item]:
        return sorted(self.of("parent"), key=lambda i: i.id)

    @property
    def training(self) -> list[Item]:
        return sorted(self.of("training"), key=lambda i: i.id)

    @property
    def overviews(self) -> list[Item]:
        return sorted(self.of("overview"), key=lambda i: (i.meta.grade, i.meta.semester != "autumn"))

    def overview(self, grade: int, semester: str) -> Item | None:
        return next((o for o in self.overviews if o.meta.grade == grade and o.meta.semester == semester), None)

    def semester_lessons(self, grade: int, semester: str) -> list[Item]:
        """A grade's lessons of one semester, in teaching order (grouped once per library)."""
        return list(self._by_grade_semester("lesson").get((grade, semester), []))

    def at(self, src_uri: str) -> Item | None:
        """The item whose page sits at `src_uri` in the docs space (one lookup table per library)."""
        cache = self.__dict__.setdefault("_uris", {})
        if cache.get("stamp") != len(self.items):
            cache.clear()
            cache.update({i.src_uri: i for i in self.items}, stamp=len(self.items))
        return cache.get(src_uri) if src_uri != "stamp" else None

    def get(self, item_id: str) -> Item | None:
        cache = self.__dict__.setdefault("_ids", {})
        if cache.get("stamp") != len(self.items):
            cache.clear()
            cache.update({i.id: i for i in self.items}, stamp=len(self.items))
        return cache.get(item_id)


def _field_of(err: dict) -> str:
    loc = err.get("loc") or ()
    return str(loc[0]) if loc else ""


def load_item(kind: str, path: Path) -> tuple[Item | None, list[Problem]]:
    try:
        doc = read(path)
    except ContentError as exc:
        return None, [Problem(exc.path, exc.line, exc.message, exc.fix, rule="front-matter")]
    try:
        meta = SCHEMAS[kind].model_validate(doc.meta)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = _field_of(err)
            where = ".".join(str(p) for p in err.get("loc", ())) or "front matter"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                problems.append(Problem(path, 1, f"front matter lacks '{where}'", "add it (see data/templates/ and the contributor page)", rule="schema"))
            elif err["type"] == "extra_forbidden":
                problems.append(Problem(path, doc.line_of(key), f"unknown field '{where}'", "remove it or check its spelling against the template", rule="schema"))
            else:
                problems.append(Problem(path, doc.line_of(key), f"'{where}': {msg}", "correct the value in the front matter", rule="schema"))
        return None, problems
    return Item(kind, doc, meta), []


CLASS_MEETING_FILE = re.compile(r"^b\d\d-")     # lessons/grade-NN/bNN-…: a 班会微课


def content_files(root: Path | None = None) -> list[tuple[str, Path]]:
    dirs = {k: (root / v.name if root else v) for k, v in CONTENT_DIRS.items()}
    found = []
    for kind, folder in dirs.items():
        if folder.is_dir():
            for path in sorted(folder.rglob("*.md")):
                if path.name.endswith(".en.md") or path.name.lower() == "readme.md":
                    continue
                if kind == "lesson" and path.name.startswith("semester-"):
                    kind_of = "overview"
                elif kind == "lesson" and CLASS_MEETING_FILE.match(path.name):
                    kind_of = "classmeeting"
                else:
                    kind_of = kind
                found.append((kind_of, path))
    return found


MISNAMED = (".md", ".markdown", ".mdown", ".mkd", ".md.txt", ".markdown.txt", ".txt")


def misnamed_files(root: Path | None = None) -> list[Problem]:
    """Files in the content folders that look like content but would be skipped for their name
    (.MD, .md.txt, .markdown …): an error each, so that nothing is dropped without a word."""
    out = []
    for folder in (root / v.name if root else v for v in CONTENT_DIRS.values()):
        if not folder.is_dir():
            continue
        unreadable = []
        files = [Path(d) / f for d, _, names in os.walk(folder, onerror=unreadable.append) for f in names]
        for exc in unreadable:
            out.append(Problem(Path(exc.filename or folder), 1, f"the folder cannot be read ({exc.strerror or exc}), so its files are not checked",
                               "give yourself permission to read it (or ask IT)", rule="file-name"))
        for path in sorted(files):
            name = path.name
            if not path.is_file() or name.endswith(".md") or name.startswith("."):
                continue
            if name.lower().endswith(MISNAMED):
                stem = re.sub(r"(\.(md|markdown|mdown|mkd))?(\.txt)?$", "", name, flags=re.I)
                out.append(Problem(path, 1, f"'{name}' is not read: content files end in .md (lowercase)",
                                   f"rename it to {stem}.md", rule="file-name"))
    return out


def file_stamp(path: Path):
    """(modification time, size) of a file, or None when it is gone: what says a file changed."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def load(root: Path | None = None, reuse: dict | None = None) -> Library:
    """Read every content file under `root` (the project by default). With `reuse` (a dict the
    caller keeps between calls, as the development server does), a file whose modification time
    and size are unchanged since the last call is not read again."""
    lib = Library(root=root)
    lib.problems.extend(misnamed_files(root))
    for kind, path in content_files(root):
        if reuse is not None:
            key = (kind, path, file_stamp(path))
            if key not in reuse:
                reuse[key] = load_item(kind, path)
            item, problems = reuse[key]
        else:
            item, problems = load_item(kind, path)
        lib.problems.extend(problems)
        if item:
            lib.items.append(item)
    if reuse is not None:           # forget files since changed or removed
        live = {(kind, path, file_stamp(path)) for kind, path in content_files(root)}
        for key in [k for k in reuse if k not in live]:
            del reuse[key]
    return lib
