"""What the fast edit loop and the growth benchmark rely on, without MkDocs: content read again only
where files changed, item findings kept between checks, the checker's cross-grade comparison, and
synthetic lessons that look like and pass as real ones."""
import re
import shutil

import pytest

from conftest import FIXTURES, LESSON, Tree
from xinyu import checks, content, data, synthetic

F2 = "lessons/grade-08/g08-au-fixture-format2.md"


@pytest.fixture
def tree2(tmp_path) -> Tree:
    shutil.copytree(FIXTURES / "valid", tmp_path / "t")
    shutil.copytree(FIXTURES / "format2", tmp_path / "t", dirs_exist_ok=True)
    return Tree(tmp_path / "t")


def _text(problems):
    return [str(p) for p in problems]


def test_load_reuses_unchanged_files_and_reads_changed_and_removed_ones(tree):
    reuse = {}
    first = content.load(tree.root, reuse=reuse)
    second = content.load(tree.root, reuse=reuse)
    assert [i.id for i in first.items] == [i.id for i in second.items]
    assert all(a is b for a, b in zip(first.items, second.items))        # not read again
    tree.edit(LESSON, "title: ", "title: 改过的")
    third = content.load(tree.root, reuse=reuse)
    changed = third.get("g07-au-fixture-lesson")
    assert changed is not first.get("g07-au-fixture-lesson") and changed.meta.title.startswith("改过的")
    tree.path(LESSON).unlink()
    fourth = content.load(tree.root, reuse=reuse)
    assert fourth.get("g07-au-fixture-lesson") is None
    assert not any(path == tree.path(LESSON) for _, path, _ in reuse)    # forgotten


def test_check_with_item_cache_finds_what_a_full_check_finds_after_each_edit(tree2):
    cache, reuse = {}, {}

    def both():
        full = checks.check(content.load(tree2.root), root=tree2.root)
        fast = checks.check(content.load(tree2.root, reuse=reuse), root=tree2.root, item_cache=cache)
        assert _text(fast) == _text(full)
        return fast

    assert not [p for p in both() if p.level == "error"]
    assert cache                                                          # item findings kept
    tree2.edit(F2, "## 课后延伸\n", "## 课后延伸\n\nTODO\n")                 # an edit that is an error
    found = both()
    assert any(p.rule == "placeholder" and p.path == tree2.path(F2) for p in found)
    tree2.edit(F2, "\nTODO\n", "\n")                                       # and fixed again
    assert not [p for p in both() if p.level == "error"]
    # A change the item itself does not show (a page it links to disappears) is seen too.
    page = tree2.root / "docs" / "help.md"
    if page.exists():
        page.rename(page.with_name("gone.md"))
        both()


def test_activity_names_across_grades_found_without_comparing_every_pair(monkeypatch):
    """On the project's library, the prefix-filtered comparison finds exactly the repeats that
    comparing every pair of activity names finds, at the configured threshold and lower ones."""
    lib = content.load()
    ctx = {"root": lib.root, "lib": lib}
    for threshold in (data.config()["activity_name_similarity"], 0.4, 0.25):
        monkeypatch.setitem(data.config(), "activity_name_similarity", threshold)
        fast = {(p.path.stem, re.search(r"\((\S+)\)$", p.message).group(1))
                for p in checks.rule_activity_across_grades(lib, ctx) if "repeats grade" in p.message}
        slow, seen = set(), []
        for item in lib.lessons:
            for role, step in checks._signature_steps(item):
                for other, other_step in seen:
                    if (other.meta.grade != item.meta.grade and other.id not in item.meta.revisits and item.id not in other.meta.revisits
                            and checks._dice(step.activity, other_step.activity) >= threshold):
                        slow.add((item.path.stem, other.id))
                seen.append((item, step))
        assert fast == slow
        if threshold < 0.3:
            assert len(slow) > 5          # the comparison was put to work


def test_synthetic_lessons_are_format_2_like_their_model_and_pass_the_checker(tree2):
    made = synthetic.add_lessons(tree2.root, 4)
    assert made == 4
    lib = content.load(tree2.root)
    model = lib.get("g08-au-fixture-format2")
    fakes = [i for i in lib.lessons if "synthetic" in i.id]
    assert len(fakes) == 4
    # every rule passes but one schedule (a variant keeps its model's weeks: see synthetic.SCHEDULE_RULE)
    assert not [p for p in checks.check(lib, root=tree2.root) if p.level == "error" and p.rule != "schedule"]
    for fake in fakes:
        assert fake.format == 2
        assert [s.title for s in fake.doc.sections] == [s.title for s in model.doc.sections]
        assert [s.role for s in fake.steps] == [s.role for s in model.steps]
        assert [s.minutes for s in fake.steps] == [s.minutes for s in model.steps]
        assert len(fake.worksheets) == len(model.worksheets)
        assert 0.8 < len(fake.doc.body) / len(model.doc.body) < 1.2
        for name in fake.meta.characters or []:
            assert name in fake.doc.body and name not in (model.meta.characters or [])
        assert fake.meta.title != model.meta.title and fake.meta.weeks == model.meta.weeks
        assert fake.meta.tags == model.meta.tags          # tags come from the curated list
        # the words are new: no sentence of the model's process survives
        model_text = re.sub(r"\*\*[^*]+\*\*", "", model.doc.section("教学过程").text)
        fake_text = fake.doc.section("教学过程").text
        assert not any(len(s) > 12 and s in fake_text for s in re.split(r"[。！？\n]", model_text))
