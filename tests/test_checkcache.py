"""The checker's findings kept between builds (xinyu/checkcache.py)."""
from conftest import LESSON
from xinyu import checkcache, checks, content


def test_findings_are_kept_until_anything_the_checker_reads_changes(tree, monkeypatch):
    runs = []

    def run(lib):
        runs.append(1)
        return checks.check(lib, root=tree.root)

    def cached():
        return [str(p) for p in checkcache.check(content.load(tree.root), run, root=tree.root)]

    first = cached()
    assert cached() == first and len(runs) == 1                 # the second build: from the cache
    tree.edit(LESSON, "## 课后延伸\n", "## 课后延伸\n\nTODO\n")
    broken = cached()
    assert len(runs) == 2 and any("placeholder text left in" in p for p in broken)
    (tree.root / "data").mkdir(exist_ok=True)
    (tree.root / "data" / "extra.yml").write_text("x: 1\n", encoding="utf-8")
    cached()
    assert len(runs) == 3                                       # a data file counts too
    assert len(list((tree.root / ".cache" / "checks").glob("*.pickle"))) == 1
    monkeypatch.setenv("XINYU_CHECK_CACHE", "0")
    cached()
    assert len(runs) == 4                                       # off: always checks
