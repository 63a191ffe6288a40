#!/usr/bin/env python3
"""Measure search in a real browser (Debian's Chromium through Playwright) on a built site.

    python scripts/search_benchmark.py                 # builds the site into a temporary folder
    python scripts/search_benchmark.py --site site/    # an existing build (served without compression)
    python scripts/search_benchmark.py --site site/ --query 家访

For Chinese and English it prints, per profile (normal; CPU slowed 4× with CDP
Emulation.setCPUThrottlingRate; 1.5 Mbit/s with Network.emulateNetworkConditions):

- bytes fetched before the first result: everything the browser received from opening the page
  until the first result showed, and the part of it that is search (index files and search code);
- time to first result: from typing the query into a page that has just loaded (its load event)
  to the first result on screen;
- typing to results: median and slowest time from a change of the box to the results being
  redrawn, over a sequence of queries typed one character at a time.

The site is served by Python's http.server (no compression), as in the issue's measurements.
Works on any build: run it on an older build (`--site`) to compare designs.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
PROFILES = {
    "normal": {},
    "cpu 4x": {"cpu": 4},
    "1.5 Mbit/s": {"net": {"offline": False, "latency": 40, "downloadThroughput": 1_500_000 / 8, "uploadThroughput": 750_000 / 8}},
}
FIRST = {"zh": "学生说不想活了怎么办", "en": "home visit"}
TYPED = {"zh": ["考试焦虑", "人际交往 五年级", "孩子不想上学", "生涯规划 初中", "家访"],
         "en": ["exam stress", "friendship grade 5", "won't go to school", "career", "bullying"]}
SEARCH_PATHS = ("/search/", "search-worker.js", "search-input.js", "/lunr/", "/workers/")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


WAIT_RESULTS = """async ([query]) => {
  const box = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const start = performance.now();
  return await new Promise(resolve => {
    const done = () => { if (list.querySelector('.md-search-result__item')) { obs.disconnect(); resolve(performance.now() - start); } };
    const obs = new MutationObserver(done);
    obs.observe(list, {childList: true, subtree: true});
    box.value = query;
    box.dispatchEvent(new InputEvent('input', {bubbles: true}));
    box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));   // as a key press would (older builds search on keyup only)
    setTimeout(() => { obs.disconnect(); resolve(-1); }, 60000);
  });
}"""

TYPE_ONE = """async ([value]) => {
  const box = document.querySelector('input.md-search__input');
  const result = document.querySelector('.md-search-result');
  const start = performance.now();
  return await new Promise(resolve => {
    const obs = new MutationObserver(() => { obs.disconnect(); resolve(performance.now() - start); });
    obs.observe(result, {childList: true, subtree: true, characterData: true});
    box.value = value;
    box.dispatchEvent(new InputEvent('input', {bubbles: true}));
    box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
    setTimeout(() => { obs.disconnect(); resolve(-1); }, 10000);
  });
}"""


def measure(browser, base: str, lang: str, profile: dict, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    # Playwright sees the search worker's requests too (a CDP session on the page does not).
    finished = []
    page.on("requestfinished", lambda r: finished.append(r))
    if "cpu" in profile:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    if "net" in profile:
        cdp.send("Network.emulateNetworkConditions", profile["net"])
    url = base + ("" if lang == "zh" else "en/")
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter() - t0
    page.locator("input.md-search__input").click()
    first = page.evaluate(WAIT_RESULTS, [query])
    top = page.eval_on_selector_all(".md-search-result__item > a:first-child h1", "els => els.slice(0, 3).map(e => e.textContent)")
    sizes = [(r.url, r.sizes()) for r in list(finished)]
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in sizes)
    search_bytes = sum(s["responseBodySize"] + s["responseHeadersSize"] for u, s in sizes if any(p in u for p in SEARCH_PATHS))
    typing = []
    for q in TYPED[lang]:
        page.evaluate("() => { const b = document.querySelector('input.md-search__input'); b.value = ''; }")
        for i in range(1, len(q) + 1):
            ms = page.evaluate(TYPE_ONE, [q[:i]])
            if ms >= 0:
                typing.append(ms)
    context.close()
    return {"load": loaded, "first": first / 1000, "bytes": total, "search_bytes": search_bytes,
            "typing_median": statistics.median(typing) if typing else float("nan"),
            "typing_max": max(typing) if typing else float("nan"), "top": top}


def build(site: Path) -> None:
    env = dict(os.environ, SITE_DIR=str(site), NO_MKDOCS_2_WARNING="1", XINYU_DOWNLOADS="0")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean"], cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the build failed:\n{run.stderr[-3000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, help="a built site (default: build one into a temporary folder)")
    ap.add_argument("--query", help="the first query (default: a crisis query in Chinese, 'home visit' in English)")
    ap.add_argument("--lang", choices=["zh", "en"], action="append", help="only this language (repeatable)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit("Chromium is not installed: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            print("building the site …", flush=True)
            build(site)
        rows = []
        with serve(site) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for lang in args.lang or ["zh", "en"]:
                query = args.query or FIRST[lang]
                for name, profile in PROFILES.items():
                    r = measure(browser, base, lang, profile, query)
                    rows.append((lang, name, query, r))
            browser.close()
    print(f"\nsite: {site}\n")
    head = f"{'lang':4} {'profile':11} {'first result':>12} {'fetched':>10} {'of it search':>12} {'typing median':>13} {'typing max':>10}  page load"
    print(head)
    print("-" * len(head))
    for lang, name, query, r in rows:
        print(f"{lang:4} {name:11} {r['first']:>10.2f} s {r['bytes'] / 1024:>6.0f} KiB {r['search_bytes'] / 1024:>8.0f} KiB "
              f"{r['typing_median']:>10.0f} ms {r['typing_max']:>7.0f} ms  {r['load']:.2f} s")
    print()
    for lang, name, query, r in rows:
        if name == "normal":
            print(f"{lang}: first query {query!r} → {r['top']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
