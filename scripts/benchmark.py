#!/usr/bin/env python3
"""Measure the site build: wall and CPU time of each build and of each of its phases, pages per
language, search index size per language (raw and gzipped), the bytes a lesson page needs with
its assets, and how the build grows with the library.

    python scripts/benchmark.py                  # the library as it is, and at 3x (--scale 3)
    python scripts/benchmark.py --scale 0        # the library as it is only
    python scripts/benchmark.py --synthetic 200  # plus 200 generated lessons, in a temporary copy

Synthetic lessons (xinyu/synthetic.py) are real lessons of the library with their words replaced
by random dictionary words (fixed seed): format 2, the same sections, 核心/可选 steps, worksheet
blocks, fictional names and length (about 5,000 characters), and they pass the checker. Every
build runs in its own process with each phase timed (exclusive wall and CPU seconds; the rows add
up to the build); with --scale the two libraries are compared phase by phase, so a phase that
grows faster than the library shows. Targets on a 2-core machine: all builds together ≤ 30 s,
the build at 3x the library ≤ 3.3x the time at 1x, ≤ 60 KB of HTML for a lesson page.
"""
from __future__ import annotations

import argparse
import gzip
import os
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

# --------------------------------------------------------------------------- phases of one build

# What each timed function is called in the report. Times are exclusive: a phase's time does not
# include the phases it calls, so the rows add up to the whole build.
PHASE_NAMES = {
    "xinyu.content.load": "read content files",
    "xinyu.checks.check": "content checker",
    "xinyu.site.generated_pages": "pages from front matter",
    "xinyu.site.generated_downloads": "pages from front matter",
    "xinyu.site.drawing_files": "pages from front matter",
    "xinyu.search.describe": "search index",
    "xinyu.search.build": "search index",
    "xinyu.search.write": "search index",
    "xinyu.offline.neutralise_loaders": "offline rewriting",
    "xinyu.offline.remove_lunr": "offline rewriting",
    "xinyu.offline.compact_html": "offline rewriting",
    "xinyu.precompress.write_gz": "pre-compressed .gz files",
    "mkdocs.structure.pages.Page.render": "Markdown to HTML",
    "mkdocs.commands.build._populate_page": "read pages",
    "mkdocs.commands.build._build_page": "page templates",
    "mkdocs.commands.build._build_theme_template": "page templates",
    "mkdocs.commands.build.get_navigation": "navigation",
    "mkdocs.structure.files.Files.copy_static_files": "copy theme and static files",
    "mkdocs.commands.build.build": "MkDocs, other",
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin.reconfigure_search_index": "i18n: search index merge",
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin.reconfigure_search_duplicates": "i18n: search de-duplication",
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin.reconfigure_files": "i18n: file layout",
    "hook:_finish_exports": "waiting for the export process, copying its files",
}


def run_build() -> int:
    """One `mkdocs build` in this process with each phase timed (wall and CPU seconds); the
    figures go to the JSON file named by XINYU_PHASES. Used by the benchmark's builds."""
    import functools
    import importlib
    import json
    from collections import defaultdict

    from mkdocs.commands import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    wall, cpu, stack = defaultdict(float), defaultdict(float), []

    def timed(name, fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            w0, c0 = time.perf_counter(), time.process_time()
            stack.append([0.0, 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                w, c = time.perf_counter() - w0, time.process_time() - c0
                child_w, child_c = stack.pop()
                wall[name] += w - child_w
                cpu[name] += c - child_c
                if stack:
                    stack[-1][0] += w
                    stack[-1][1] += c
        return inner

    def patch(path: str, name: str):
        module_name, _, attr = path.rpartition(".")
        try:
            owner = importlib.import_module(module_name)
        except ImportError:
            module_name, _, cls = module_name.rpartition(".")
            try:
                owner = getattr(importlib.import_module(module_name), cls, None)
            except ImportError:
                return
        if owner is None:
            return
        if hasattr(owner, attr):
            setattr(owner, attr, timed(name, getattr(owner, attr)))

    sys.path.insert(0, os.getcwd())      # the xinyu of the project being built (perhaps a copy)
    for path, name in PHASE_NAMES.items():
        if not path.startswith("hook:"):
            patch(path, name)
    logging_setup()
    start_w, start_c = time.perf_counter(), time.process_time()
    try:
        config = load_config(strict=True)
        for hook in config.hooks.values():
            for path, name in PHASE_NAMES.items():
                if path.startswith("hook:") and hasattr(hook, path[5:]):
                    setattr(hook, path[5:], timed(name, getattr(hook, path[5:])))
        origins = config.plugins._event_origins
        for event, methods in config.plugins.events.items():
            for n, method in enumerate(methods):
                origin = origins.get(method, "?")
                label = "hooks/site.py" if origin.startswith("hooks/") else origin.split("/")[-1]
                methods[n] = timed(f"{label}: on_{event}", method)
        mk_build.build(config)
    except (MkDocsException, SystemExit) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    total_w, total_c = time.perf_counter() - start_w, time.process_time() - start_c
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(os.environ["XINYU_PHASES"]).write_text(json.dumps({
        "wall": total_w, "cpu": total_c, "children_cpu": children.ru_utime + children.ru_stime,
        "phases": {k: [wall[k], cpu[k]] for k in wall}}), encoding="utf-8")
    return 0


def logging_setup() -> None:
    import logging
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)


def timed_build(root: Path, site_dir: Path, offline: bool, downloads: bool = True, cache: bool = True,
                check_cache: bool = True) -> dict:
    """A strict build of both languages in a fresh process; returns wall and CPU seconds and
    the phases (see run_build)."""
    import json
    phases = site_dir.with_name(site_dir.name + "-phases.json")
    env = dict(os.environ, SITE_DIR=str(site_dir), NO_MKDOCS_2_WARNING="1", XINYU_DOWNLOADS="1" if downloads else "0",
               XINYU_EXPORT_CACHE="1" if cache else "0", XINYU_PHASES=str(phases),
               XINYU_CHECK_CACHE="1" if check_cache else "0", XINYU_SEARCH_CACHE="1" if check_cache else "0")
    if offline:
        env["OFFLINE"] = "true"
    start = time.perf_counter()
    run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--run-build"], cwd=root, env=env,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"build failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
    result = json.loads(phases.read_text(encoding="utf-8"))
    result["wall"] = wall        # with interpreter start-up, as `mkdocs build` takes
    return result


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


def phase_table(title: str, columns: list[tuple[str, dict]], growth: bool = True) -> Table:
    """Each phase's wall and CPU seconds for one or more builds; with two builds, the growth."""
    table = Table(title=title)
    table.add_column("phase")
    for name, _ in columns:
        table.add_column(f"{name} wall s", justify="right")
        table.add_column(f"{name} CPU s", justify="right")
    if growth and len(columns) == 2:
        table.add_column("CPU growth", justify="right")
    merged: dict[str, list] = {}
    for n, (_, result) in enumerate(columns):
        for phase, (w, c) in result["phases"].items():
            merged.setdefault(phase, [[0.0, 0.0] for _ in columns])[n] = [w, c]
    order = sorted(merged, key=lambda k: -merged[k][-1][1])
    for phase in order:
        cells = [f"{v:.2f}" for pair in merged[phase] for v in pair]
        if growth and len(columns) == 2:
            a, b = merged[phase][0][1], merged[phase][1][1]
            cells.append(f"{b / a:.2f}×" if a >= 0.05 else "")
        if max(pair[1] for pair in merged[phase]) >= 0.01 or max(pair[0] for pair in merged[phase]) >= 0.05:
            table.add_row(phase, *cells)
    totals = [f"{r[k]:.1f}" for _, r in columns for k in ("wall", "cpu")]
    if growth and len(columns) == 2:
        totals.append(f"{columns[1][1]['cpu'] / columns[0][1]['cpu']:.2f}×")
    table.add_row("whole build (this process)", *totals)
    exports = [v for _, r in columns for v in ("", f"{r['children_cpu']:.1f}")]
    if growth and len(columns) == 2:
        exports.append(f"{columns[1][1]['children_cpu'] / max(columns[0][1]['children_cpu'], 0.01):.2f}×")
    table.add_row("export process (second core)", *exports)
    return table


def make_copy(tmp: Path, n_synthetic: int, seed: int = 2025) -> tuple[Path, int]:
    """A temporary copy of the project with `n_synthetic` generated lessons (the export cache
    comes along, so the real lessons' files are not made again)."""
    from xinyu import synthetic
    root = tmp / f"project-{n_synthetic}"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", "site-*", ".git", "dist", "__pycache__", "*.pyc"),
                    symlinks=True)
    made = synthetic.add_lessons(root, n_synthetic, seed=seed)
    if made:
        synthetic.tolerate_schedule(root)
    return root, made


# --------------------------------------------------------------------------- the edit loop

def _append_to_body(path: Path, text: str) -> None:
    """A sentence added to the first section of the body (the part every page of the item shows)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(n for n, line in enumerate(lines) if line.startswith("## "))
    lines[first + 1:first + 1] = ["", text]
    path.write_text("\n".join(lines), encoding="utf-8")


def _edit_contacts(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8")
    new = old.replace("use: {zh: 有人正处在危险中、需要马上保护时", f"use: {{zh: 有人正处在危险中、需要马上保护时{text}", 1)
    assert new != old, "data/contacts.yml changed: update the edit-loop benchmark"
    path.write_text(new, encoding="utf-8")


EDITS = [   # what is saved, how, and the served page that shows it
    ("lesson", "lessons/grade-07/{lesson}", _append_to_body, "lessons/grade-07/{stem}/"),
    ("parent module", "parents/p-junior-autumn-new-school.md", _append_to_body, "parents/p-junior-autumn-new-school/"),
    ("training unit", "training/t-crisis-recognition-reporting.md", _append_to_body, "training/t-crisis-recognition-reporting/"),
    ("data file (contacts)", "data/contacts.yml", _edit_contacts, "help/"),
]


def edit_loop(console: Console, rounds: int = 2) -> Table:
    """`bash scripts/serve.sh` on a copy of the project, Chromium on a page; for each kind of
    edit, the seconds from saving the file to the page in the browser showing the change (the
    live-reload script reloads it when the rebuild is done)."""
    import socket
    from playwright.sync_api import sync_playwright
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    table = Table(title="Edit loop: bash scripts/serve.sh, save to the page showing the change in Chromium")
    table.add_column("edit")
    table.add_column("seconds, each save", justify="right")
    table.add_column("target", justify="right")
    with tempfile.TemporaryDirectory(prefix="xinyu-serve-") as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", "site-*", ".git", "dist", "__pycache__"))
        for link in (".venv", "node_modules"):
            if (ROOT / link).exists():
                (root / link).symlink_to((ROOT / link).resolve())
        lesson = sorted((root / "lessons" / "grade-07").glob("g07-*.md"))[0]
        log = open(Path(tmp) / "serve.log", "w")
        start = time.perf_counter()
        server = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                  env=dict(os.environ, ADDR=f"127.0.0.1:{port}"), start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}/"
            _wait_for(lambda: _get(base) is not None and "Serving on" in (Path(tmp) / "serve.log").read_text(errors="replace"), 600, server, Path(tmp) / "serve.log")
            console.print(f"serve.sh: first page served after {time.perf_counter() - start:.1f} s (set-up, check, first build)")
            time.sleep(3)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page()
                for kind, rel, edit, url in EDITS:
                    rel = rel.format(lesson=lesson.name)
                    url = base + url.format(stem=lesson.stem)
                    page.goto(url)
                    times = []
                    for n in range(rounds):
                        # letters only: a run of digits would read as a phone number to the checker
                        token = f"编辑测试{kind[:2]}{'甲乙丙丁戊'[n]}" + "".join(chr(97 + int(d)) for d in str(os.getpid()))
                        saved = time.perf_counter()
                        edit(root / rel, token)
                        try:
                            page.wait_for_function("t => document.body && document.body.textContent.includes(t)", arg=token,
                                                   timeout=120_000, polling=100)
                        except Exception:
                            sys.exit(f"the page did not show the {kind} edit:\n{(Path(tmp) / 'serve.log').read_text(errors='replace')[-3000:]}")
                        times.append(time.perf_counter() - saved)
                        time.sleep(1.5)
                    table.add_row(kind, " / ".join(f"{t:.1f}" for t in times), "≤ 5")
                browser.close()
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
            log.close()
    return table


def _get(url: str):
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read()
    except OSError:
        return None


def _wait_for(test, timeout: float, proc, log: Path) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if proc.poll() is not None:
            sys.exit(f"serve.sh stopped:\n{log.read_text(errors='replace')[-3000:]}")
        if test():
            return
        time.sleep(0.5)
    sys.exit(f"serve.sh did not serve within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    ap.add_argument("--synthetic", type=int, default=0, metavar="N", help="add N generated lessons in a temporary copy")
    ap.add_argument("--scale", type=float, default=3.0, metavar="K",
                    help="also build a copy with K times the lessons (synthetic ones added) and compare phase by phase; 0: skip")
    ap.add_argument("--edit-loop", action="store_true",
                    help="only measure the edit loop: save a lesson, parent module, training unit and data file under serve.sh")
    ap.add_argument("--run-build", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run_build:
        return run_build()
    console = Console(width=150)
    if args.edit_loop:
        console.print(edit_loop(console))
        return 0
    with tempfile.TemporaryDirectory(prefix="xinyu-bench-") as tmp:
        tmp = Path(tmp)
        root = ROOT
        if args.synthetic:
            root, _ = make_copy(tmp, args.synthetic)
        n_lessons = sum(1 for p in (root / "lessons").rglob("g[0-9][0-9]-*.md") if not p.name.endswith(".en.md"))
        site, offline = tmp / "site", tmp / "offline"
        # Cold: every Word file and slide deck made and the checker run (the caches emptied
        # first). Warm: the caches as a second build, or a rebuild after editing a few lessons, find them.
        shutil.rmtree(root / ".cache" / "exports", ignore_errors=True)     # a cache, made again by the next build
        shutil.rmtree(root / ".cache" / "checks", ignore_errors=True)      # the checker's findings, likewise
        shutil.rmtree(root / ".cache" / "search", ignore_errors=True)      # the search postings, likewise
        cold = timed_build(root, tmp / "cold", offline=False)
        warm = timed_build(root, site, offline=False)
        off = timed_build(root, offline, offline=True)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        bare = timed_build(root, tmp / "bare", offline=False, downloads=False)

        table = Table(title=f"心育资源库 build benchmark, {n_lessons} lessons{f' (+{args.synthetic} synthetic)' if args.synthetic else ''}"
                            f" — {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        table.add_column("measure")
        table.add_column("wall s", justify="right")
        table.add_column("CPU s (build + exports)", justify="right")
        table.add_column("target", justify="right")
        cpu = lambda r: f"{r['cpu']:.1f} + {r['children_cpu']:.1f}"
        table.add_row("build, both languages, caches empty (cold)", f"{cold['wall']:.1f}", cpu(cold), "")
        table.add_row("build, both languages, caches warm", f"{warm['wall']:.1f}", cpu(warm), "")
        table.add_row("offline build, both languages, caches warm", f"{off['wall']:.1f}", cpu(off), "")
        table.add_row("all builds together, warm", f"{warm['wall'] + off['wall']:.1f}",
                      f"{warm['cpu'] + warm['children_cpu'] + off['cpu'] + off['children_cpu']:.1f}", "≤ 30 (wall)")
        table.add_row("build without Word files and packs", f"{bare['wall']:.1f}", cpu(bare), "")
        table.add_row("  exports made anew, as a multiple of without", f"{cold['wall'] / bare['wall']:.2f}×", "", "")
        table.add_row("  export cache warm, as a multiple of without", f"{warm['wall'] / bare['wall']:.2f}×", "", "≤ 1.5×")
        n_docs = len(list((site / "downloads").rglob("*.*"))) if (site / "downloads").exists() else 0
        size = sum(p.stat().st_size for p in (site / "downloads").rglob("*.*")) if n_docs else 0
        table.add_row("Word files and packs (files / MB)", f"{n_docs} / {size / 1e6:.1f}", "", "")
        table.add_row("peak memory of one build (MB)", f"{peak_mb:.0f}", "", "")
        zh_pages = [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("en/")]
        en_pages = list((site / "en").rglob("*.html"))
        table.add_row("HTML pages, Chinese / English", f"{len(zh_pages)} / {len(en_pages)}", "", "")
        for lang, folder in (("Chinese", site / "search"), ("English", site / "en" / "search")):
            # The index is many small files (xinyu/search.py); a query loads the manifest and a few
            # of them. scripts/search_benchmark.py measures what the browser fetches.
            manifest = (folder / "search_index.json").read_bytes()
            files = [p for p in folder.rglob("*.js")]
            total = sum(p.stat().st_size for p in files) + len(manifest)
            table.add_row(f"search index, {lang}, all files (KB)", f"{total / 1024:.0f} in {len(files) + 1} files", "", "")
            table.add_row(f"search manifest, {lang}, raw / gzipped (KB)",
                          f"{len(manifest) / 1024:.0f} / {len(gzip.compress(manifest, 6)) / 1024:.0f}", "", "")
            table.add_row(f"largest index file, {lang} (KB)", f"{max(p.stat().st_size for p in files) / 1024:.1f}", "", "")
        html_bytes, with_assets, which = lesson_page_bytes(site)
        table.add_row("largest lesson page HTML (KB)", f"{html_bytes / 1024:.1f}", "", "≤ 60")
        table.add_row("  with its CSS, JS and images (KB)", f"{with_assets / 1024:.0f}", "", "")
        console.print(table)
        console.print(f"largest lesson page: {which.relative_to(site)}")
        console.print(phase_table("Phases of the warm builds (served, offline)", [("served", warm), ("offline", off)], growth=False))

        if args.scale:
            extra = round(n_lessons * (args.scale - 1))
            big, made = make_copy(tmp, args.synthetic + extra)
            # Growth: warm export caches, the checker and the search index made every time (they
            # are otherwise kept between builds: xinyu/checkcache.py, search.build_cached) so
            # that every phase is timed.
            timed_build(big, tmp / "big-fill", offline=False)           # makes the new lessons' exports once
            one = timed_build(root, tmp / "one", offline=False, check_cache=False)
            big_warm = timed_build(big, tmp / "big", offline=False, check_cache=False)
            warm = one
            console.print(phase_table(f"Phases of the warm build, checker and search index not cached: {n_lessons} lessons (1×) and {n_lessons + extra} ({args.scale:g}×)",
                                      [("1×", one), (f"{args.scale:g}×", big_warm)]))
            ratio = big_warm["wall"] / warm["wall"]
            ratio_cpu = (big_warm["cpu"] + big_warm["children_cpu"]) / (warm["cpu"] + warm["children_cpu"])
            console.print(f"build at {args.scale:g}× the library: {big_warm['wall']:.1f} s wall ({ratio:.2f}× of 1×), "
                          f"CPU {ratio_cpu:.2f}× of 1× (target ≤ {1.1 * args.scale:.1f}×)")
        else:
            console.print(phase_table("Phases of the warm build", [("", warm)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
