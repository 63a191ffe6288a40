"""Start a new lesson from the template with a fresh id."""
from __future__ import annotations

import re
from pathlib import Path

from . import data
from .content import load
from .paths import DATA, ROOT


def fresh_id(grade: int, semester: str, slug: str, taken: set[str]) -> str:
    base = f"g{grade:02d}-{'au' if semester == 'autumn' else 'sp'}-{slug}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def new_lesson(grade: int, semester: str, slug: str, title: str, week: int = 1, topic: str = "self",
               root: Path = ROOT) -> Path:
    if grade not in data.vocabularies()["grades"]:
        raise ValueError(f"grade must be 1–12, not {grade}")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise ValueError(f"slug '{slug}' must be lowercase English words joined by hyphens, e.g. making-friends")
    if topic not in data.vocabularies()["topics"]:
        raise ValueError(f"unknown topic '{topic}'; use one of {', '.join(data.vocabularies()['topics'])}")
    taken = {i.id for i in load(None if root == ROOT else root).items}
    taken |= {p.stem for p in (root / "lessons").rglob("*.md")}
    lesson_id = fresh_id(grade, semester, slug, taken)
    text = (DATA / "templates" / "lesson.md").read_text(encoding="utf-8").format(
        id=lesson_id, title=title, grade=grade, semester=semester, week=week,
        duration=data.class_minutes(grade), topic=topic, end_minutes=data.class_minutes(grade) - 35)
    path = root / "lessons" / f"grade-{grade:02d}" / f"{lesson_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
