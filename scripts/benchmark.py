#!/usr/bin/env python3
"""Measure the site build: wall time of each build, pages per language, search index size per
language (raw and gzipped), and the bytes a lesson page needs with its assets.

    python scripts/benchmark.py                  # the library as it is
    python scripts/benchmark.py --synthetic 200  # plus 200 generated lessons, in a temporary copy

Synthetic lessons are made of random dictionary words (fixed seed), shaped like real lessons
(about 2,100 characters, four timed steps), so that they pass the checker and cost what real
ones cost to check, render, segment and index. Targets on a 2-core machine at about 250 pages
per language: all builds together ≤ 30 s, ≤ 60 KB of
HTML for a lesson page.
"""
from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table      # noqa: E402

from xinyu import data             # noqa: E402

TOPICS = list(data.vocabularies()["topics"])


def words(n_words: int = 6000) -> list[str]:
    import jieba
    path = Path(jieba.__file__).parent / "dict.txt"
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if len(r) >= 2 and 2 <= len(r[0]) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", r[0])]
    rows.sort(key=lambda r: -int(r[1]))
    return [r[0] for r in rows[:n_words]]


def sentence(rng: random.Random, vocab: list[str], n: int) -> str:
    return "".join(rng.choice(vocab) for _ in range(n)) + "。"


def synthetic_lesson(i: int, rng: random.Random, vocab: list[str]) -> tuple[str, str]:
    grade = i % 12 + 1
    semester = "autumn" if (i // 12) % 2 == 0 else "spring"
    lesson_id = f"g{grade:02d}-{'au' if semester == 'autumn' else 'sp'}-synthetic-{i:04d}"
    duration = data.class_minutes(grade)
    s = lambda n=12: sentence(rng, vocab, n)
    steps = [5, duration - 25, 12, 8]
    names = ["暖身", "主题活动", "分享交流", "总结提升"]
    process = []
    for k, (name, minutes) in enumerate(zip(names, steps)):
        process.append(f"### {'一二三四'[k]}、{name}：合成练习{i}之{k}（{minutes}分钟）\n\n**教师活动**：{s(20)}{s(20)}\n\n"
                       f"> 引导语：“{s(14)}”\n\n" + ("**讨论问题**：\n\n1. " + s(8) + "\n2. " + s(8) + "\n\n" if k == 1 else "")
                       + f"**学生活动**：{s(18)}{s(18)}\n")
    text = f"""---
id: {lesson_id}
title: 合成教案{i}：{rng.choice(vocab)}{rng.choice(vocab)}
grade: {grade}
semester: {semester}
weeks: [{i % 18 + 1}]
duration: {duration}
topics: [{TOPICS[i % len(TOPICS)]}]
requirements: [COURSE-ALL]
methods: [团体辅导]
slots: [心理课]
sensitivity: {'high' if TOPICS[i % len(TOPICS)] == 'life' else 'standard'}
summary: {s(10)}
objectives:
  认知: {s(8)}
  情感: {s(8)}
  行为: {s(8)}
materials:
  - {s(4)}
---

## 教学目标

## 教学重难点

**重点**：{s(12)}

**难点**：{s(12)}

## 教学准备

**场地**：{s(20)}{s(20)}{s(20)}

## 教学过程

{chr(10).join(process)}
## 差异化与备用方案

**差异化**：{s(16)}

**备用方案**：{s(16)}

## 课后延伸

{s(20)}

## 家校链接

{s(20)}

## 安全提示

{s(20)} [求助资源](../../help.md)
"""
    return f"lessons/grade-{grade:02d}/{lesson_id}.md", text


def timed_build(root: Path, site_dir: Path, offline: bool, downloads: bool = True, cache: bool = True) -> float:
    env = dict(os.environ, SITE_DIR=str(site_dir), NO_MKDOCS_2_WARNING="1", XINYU_DOWNLOADS="1" if downloads else "0",
               XINYU_EXPORT_CACHE="1" if cache else "0")
    if offline:
        env["OFFLINE"] = "true"
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"], cwd=root, env=env,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"build failed:\n{run.stdout}\n{run.stderr}")
    return wall


def lesson_page_bytes(site: Path) -> tuple[int, int, Path]:
    """HTML bytes of the largest lesson page, and HTML plus the CSS/JS/images it references."""
    pages = [p for p in (site / "lessons").rglob("*.html") if re.search(r"g\d\d-(au|sp)-", str(p))]
    biggest = max(pages, key=lambda p: p.stat().st_size)
    html = biggest.read_text(encoding="utf-8")
    total = len(html.encode("utf-8"))
    seen = set()
    for ref in re.findall(r'(?:src|href)="([^"#?]+\.(?:css|js|svg|png|ico))"', html):
        target = (biggest.parent / ref).resolve()
        if target.exists() and target not in seen:
            seen.add(target)
            total += target.stat().st_size
    return biggest.stat().st_size, total, biggest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--synthetic", type=int, default=0, metavar="N", help="add N generated lessons in a temporary copy")
    args = ap.parse_args(argv)
    console = Console()
    with tempfile.TemporaryDirectory(prefix="xinyu-bench-") as tmp:
        tmp = Path(tmp)
        root = ROOT
        if args.synthetic:
            root = tmp / "project"
            shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "site", "site-offline", ".git", "dist", ".cache", "__pycache__"))
            rng, vocab = random.Random(2025), words()
            for i in range(args.synthetic):
                rel, text = synthetic_lesson(i, rng, vocab)
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text, encoding="utf-8")
        site, offline = tmp / "site", tmp / "offline"
        # Cold: every Word file and slide deck made (the export cache emptied first). Warm: the
        # cache as a second build, or a rebuild after editing a few lessons, finds it.
        shutil.rmtree(root / ".cache" / "exports", ignore_errors=True)     # a cache, made again by the next build
        t_cold = timed_build(root, tmp / "cold", offline=False)
        t_site = timed_build(root, site, offline=False)
        t_offline = timed_build(root, offline, offline=True)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        t_bare = timed_build(root, tmp / "bare", offline=False, downloads=False)

        table = Table(title=f"心育资源库 build benchmark{f' (+{args.synthetic} synthetic lessons)' if args.synthetic else ''}")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_column("target", justify="right")
        table.add_row("build, both languages, exports made anew (s)", f"{t_cold:.1f}", "")
        table.add_row("build, both languages, export cache warm (s)", f"{t_site:.1f}", "")
        table.add_row("offline build, both languages, warm (s)", f"{t_offline:.1f}", "")
        table.add_row("all builds together, warm (s)", f"{t_site + t_offline:.1f}", "≤ 30")
        table.add_row("build without Word files and packs (s)", f"{t_bare:.1f}", "")
        table.add_row("  exports made anew, as a multiple of without", f"{t_cold / t_bare:.2f}×", "")
        table.add_row("  export cache warm, as a multiple of without", f"{t_site / t_bare:.2f}×", "≤ 1.5×")
        n_docs = len(list((site / "downloads").rglob("*.*"))) if (site / "downloads").exists() else 0
        size = sum(p.stat().st_size for p in (site / "downloads").rglob("*.*")) if n_docs else 0
        table.add_row("Word files and packs (files / MB)", f"{n_docs} / {size / 1e6:.1f}", "")
        table.add_row("peak memory of one build (MB)", f"{peak_mb:.0f}", "")
        zh_pages = [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("en/")]
        en_pages = list((site / "en").rglob("*.html"))
        table.add_row("HTML pages, Chinese", str(len(zh_pages)), "")
        table.add_row("HTML pages, English", str(len(en_pages)), "")
        for lang, folder in (("Chinese", site / "search"), ("English", site / "en" / "search")):
            # The index is many small files (xinyu/search.py); a query loads the manifest and a few
            # of them. scripts/search_benchmark.py measures what the browser fetches.
            manifest = (folder / "search_index.json").read_bytes()
            files = [p for p in folder.rglob("*.js")]
            total = sum(p.stat().st_size for p in files) + len(manifest)
            table.add_row(f"search index, {lang}, all files (KB)", f"{total / 1024:.0f} in {len(files) + 1} files", "")
            table.add_row(f"search manifest, {lang}, raw / gzipped (KB)",
                          f"{len(manifest) / 1024:.0f} / {len(gzip.compress(manifest, 9)) / 1024:.0f}", "")
            table.add_row(f"largest index file, {lang} (KB)", f"{max(p.stat().st_size for p in files) / 1024:.1f}", "")
        html_bytes, with_assets, which = lesson_page_bytes(site)
        table.add_row("largest lesson page HTML (KB)", f"{html_bytes / 1024:.1f}", "≤ 60")
        table.add_row("  with its CSS, JS and images (KB)", f"{with_assets / 1024:.0f}", "")
        console.print(table)
        console.print(f"largest lesson page: {which.relative_to(site)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
