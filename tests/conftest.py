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
    site = tmp_path_factory.mktemp("site")
    run = build(site)
    assert run.returncode == 0, run.stdout + run.stderr
    return site, run.stdout + run.stderr


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory):
    """The offline build that opens from a folder on disk."""
    from sitebuild import build
    site = tmp_path_factory.mktemp("offline")
    run = build(site, offline=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return site, run.stdout + run.stderr
