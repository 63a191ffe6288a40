"""Synthetic lessons for measuring how the build grows with the library (scripts/benchmark.py).

Each synthetic lesson is a real lesson of the library with its words replaced: the same front
matter fields, sections, timed 核心/可选 steps, teacher's words, student tasks, 去角色, worksheet
blocks, drawings and length (real lessons are about 5,000 characters), with every run of Chinese
text outside the fixed labels swapped for random dictionary words (fixed seed; each lesson
keeps to its own few hundred words), the activity
names and the fictional names made new. So a synthetic lesson passes the checker and costs what a
real one costs to check, render, index and export.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

from . import data
from .content import load

CJK = re.compile(r"[\u4e00-\u9fff]+")
# Kept as written: bold labels (**教师活动**), the teacher's-words label, 拼音 readings, the names of
# a step's minutes and 核心/可选, the 纲要's school stages (**纲要依据** names the lesson's), fenced worksheet blocks (YAML).
STAGES = "|".join(sorted({str(v) for g in range(1, 13) for v in (data.label("stages", data.stage_of_grade(g)),)}, key=len, reverse=True))
KEEP = re.compile(r"\*\*[^*\n]+\*\*|引导语|\d+分钟|核心|可选|\{[^}|\n]+\|[^}\n]+\}|" + STAGES)
STEP = re.compile(r"^(### [一二三四五六七八九十]+、[^：:\n]*[：:])([^（(\n]+)(（.*)$")
LESSON_WORDS = 400
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "安北晨冬朵帆歌禾嘉景可岚乐林萌宁琪然森棠桐薇夏欣雅烨悠语远哲知舟"


def vocabulary(n_words: int = 6000) -> list[str]:
    """The most frequent 2–4 character words of jieba's dictionary (a pinned dependency),
    without any word a checker rule reacts to."""
    import jieba
    from .checks import ROLE_PLAY
    path = Path(jieba.__file__).parent / "dict.txt"
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if len(r) >= 2 and 2 <= len(r[0]) <= 4 and CJK.fullmatch(r[0])]
    rows.sort(key=lambda r: -int(r[1]))
    rules = data.safety()
    banned = [f["phrase"] for f in rules["forbidden_phrases"]] + list(rules["screening_scales"])
    words = []
    for word, *_ in rows:
        if ROLE_PLAY.search(word) or any(b in word or word in b for b in banned):
            continue
        words.append(word)
        if len(words) == n_words:
            break
    return words


def _fill(rng: random.Random, vocab: list[str], length: int) -> str:
    out = ""
    while len(out) < length:
        out += rng.choice(vocab)
    return out[:max(length, 1)]


def _scramble(text: str, rng: random.Random, vocab: list[str]) -> str:
    """Chinese runs outside KEEP replaced by random words of the same length."""
    out, pos = [], 0
    for m in KEEP.finditer(text):
        out.append(CJK.sub(lambda r: _fill(rng, vocab, len(r.group(0))), text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(CJK.sub(lambda r: _fill(rng, vocab, len(r.group(0))), text[pos:]))
    return "".join(out)


def _names(i: int, count: int) -> list[str]:
    """Fictional names no other synthetic lesson uses (a name may appear in only a few lessons)."""
    out = []
    for k in range(count):
        n = i * 3 + k
        out.append(SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + GIVEN[(n // (len(SURNAMES) * len(GIVEN))) % len(GIVEN)])
    return out


def lesson_from(template, i: int, rng: random.Random, vocab: list[str]) -> tuple[str, str]:
    """(docs path, text) of synthetic lesson `i` made from the real lesson `template`. A lesson
    draws its words from its own LESSON_WORDS of the vocabulary, as a real lesson keeps returning
    to its subject: its distinct character pairs (what the search index holds) then number about
    what a real lesson's do, where words drawn from the whole vocabulary gave half as many again."""
    vocab = rng.sample(vocab, min(LESSON_WORDS, len(vocab)))
    meta = dict(template.doc.meta)
    lesson_id = f"{template.id[:7]}synthetic-{i:04d}"
    old_names = list(meta.get("characters") or [])
    new_names = _names(i, len(old_names))
    say = lambda s, n=None: _fill(rng, vocab, n or len(s))
    meta["id"] = lesson_id
    meta["title"] = f"合成{i}：{say('', 8)}"
    if "title_en" in meta:
        meta["title_en"] = f"Synthetic lesson {i}"
    meta["summary"] = say(meta.get("summary", ""), max(20, len(meta.get("summary", ""))))
    meta.pop("revisits", None)
    if old_names:
        meta["characters"] = new_names
    for key in ("student_aims", "materials"):
        if isinstance(meta.get(key), list):
            meta[key] = [_scramble(str(v), rng, vocab) for v in meta[key]]
    if isinstance(meta.get("objectives"), dict):
        meta["objectives"] = {k: _scramble(str(v), rng, vocab) for k, v in meta["objectives"].items()}
    body_lines = template.doc.body.split("\n")
    fence = None
    out = []
    for line in body_lines:
        for old, new in zip(old_names, new_names):
            line = line.replace(old, new)
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence else stripped[3:].strip() or "text"
            out.append(line)
            continue
        if fence == "worksheet" or line.startswith("## "):
            out.append(line)
            continue
        m = STEP.match(line)
        if m:
            out.append(m.group(1) + say(m.group(2), max(4, len(m.group(2)))) + m.group(3))
            continue
        protected = line
        for n, name in enumerate(new_names):
            protected = protected.replace(name, f"\0{n}\0")
        scrambled = _scramble(protected, rng, vocab)
        for n, name in enumerate(new_names):
            scrambled = scrambled.replace(f"\0{n}\0", name)
        out.append(scrambled)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"lessons/grade-{template.meta.grade:02d}/{lesson_id}.md", f"---\n{front}---\n\n" + "\n".join(out).lstrip("\n")


# A library several times today's cannot keep one schedule: a semester has about 18 weeks and
# a grade about eight lessons in it. A synthetic lesson keeps its model's weeks (a variant of it),
# so the copy the benchmark builds reports the overlaps as warnings (`tolerate_schedule`).
SCHEDULE_RULE = "schedule"


def tolerate_schedule(root: Path) -> None:
    """In the project copy at `root` (never the project itself), make the checker's findings of
    the schedule rule warnings; the rule still runs, so its cost is measured."""
    path = root / "xinyu" / "checks.py"
    path.write_text(path.read_text(encoding="utf-8") + '''

# --- benchmark copy (xinyu/synthetic.py, tolerate_schedule): schedule findings are warnings ---
_rule_schedule = rule_schedule


def rule_schedule(lib, ctx):
    out = _rule_schedule(lib, ctx)
    for p in out:
        p.level = "warning"
    return out


LIBRARY_RULES = [rule_schedule if r is _rule_schedule else r for r in LIBRARY_RULES]
''', encoding="utf-8")


def add_lessons(root: Path, n: int, seed: int = 2025, rounds: int = 6) -> int:
    """Write `n` synthetic lessons into the project copy at `root`, made from its own lessons in
    turn, and check them: any that the checker refuses (other than for the schedule, see
    SCHEDULE_RULE) is made again with other words. Returns n; raises RuntimeError naming the
    problems if some still fail."""
    if n <= 0:
        return 0
    from .checks import check
    templates = [i for i in load(root).lessons if i.format == 2]
    rng, vocab = random.Random(seed), vocabulary()
    todo = list(range(n))
    paths: dict[int, Path] = {}
    for _ in range(rounds):
        for i in todo:
            rel, text = lesson_from(templates[i % len(templates)], i, rng, vocab)
            paths[i] = root / rel
            paths[i].write_text(text, encoding="utf-8")
        problems = [p for p in check(load(root), root=root) if p.level == "error" and p.rule != SCHEDULE_RULE]
        bad = {p.path.resolve() for p in problems}
        todo = [i for i in paths if paths[i].resolve() in bad]
        if not todo:
            return n
        if any(p.path.resolve() not in {q.resolve() for q in paths.values()} for p in problems):
            break      # the project itself has errors: no use making lessons again
    raise RuntimeError("synthetic lessons the checker refuses:\n" + "\n".join(str(p) for p in problems[:20]))
