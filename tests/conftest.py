import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

LESSON = "lessons/grade-07/g07-au-fixture-lesson.md"
PARENT = "parents/p-fixture-module.md"
TRAINING = "training/t-fixture-unit.md"


class Tree:
    """A copy of the valid fixture tree that a test may break."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def edit(self, rel: str, old: str, new: str) -> None:
        p = self.path(rel)
        text = p.read_text(encoding="utf-8")
        assert old in text, f"fixture text not found: {old!r}"
        p.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def check(self):
        from xinyu import checks, content
        return checks.check(content.load(self.root), root=self.root)


@pytest.fixture
def tree(tmp_path) -> Tree:
    shutil.copytree(FIXTURES / "valid", tmp_path / "t")
    return Tree(tmp_path / "t")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The strict build of both languages (served layout, directory URLs)."""
    from sitebuild import build
    if os.environ.get("XINYU_REUSE_SITE"):        # a folder built before (with its log beside it), to rerun tests quickly
        site = Path(os.environ["XINYU_REUSE_SITE"])
        return site, (site.parent / (site.name + ".log")).read_text(encoding="utf-8")
    site = tmp_path_factory.mktemp("site")
    run = build(site)
    assert run.returncode == 0, run.stdout + run.stderr
    return site, run.stdout + run.stderr


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory):
    """The offline build that opens from a folder on disk."""
    from sitebuild import build
    if os.environ.get("XINYU_REUSE_OFFLINE"):
        site = Path(os.environ["XINYU_REUSE_OFFLINE"])
        return site, (site.parent / (site.name + ".log")).read_text(encoding="utf-8")
    site = tmp_path_factory.mktemp("offline")
    run = build(site, offline=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return site, run.stdout + run.stderr


def make_lesson(tree: "Tree", lesson_id: str, grade: int, semester: str, weeks, topics=("relationships",),
                moment=None, focus=()) -> None:
    """A variant of the fixture lesson with other metadata (for coverage and planner tests)."""
    source = tree.path(LESSON) if tree.path(LESSON).exists() else tree.root / "fixture-lesson.txt"
    text = source.read_text(encoding="utf-8")
    text = text.replace("id: g07-au-fixture-lesson", f"id: {lesson_id}")
    text = text.replace("grade: 7", f"grade: {grade}").replace("semester: autumn", f"semester: {semester}")
    text = text.replace("weeks: [3]", f"weeks: {list(weeks)}")
    text = text.replace("duration: 45", f"duration: {40 if grade <= 6 else 45}")
    text = text.replace("topics: [relationships]", f"topics: [{', '.join(topics)}]" + (f"\nmoment: {moment}" if moment else "")
                        + (f"\nfocus: [{', '.join(focus)}]" if focus else ""))
    if "life" in topics:
        text = text.replace("sensitivity: care", "sensitivity: high")
    tree.write(f"lessons/grade-{grade:02d}/{lesson_id}.md", text)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright
    from browser import ARGS, CHROMIUM
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
