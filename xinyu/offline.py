"""Make the built site self-contained: nothing in it may reach the internet.

Material's JavaScript bundle names two hosts it would load from in special cases: unpkg.com for
Mermaid (only on pages with Mermaid diagrams, which this library does not use) and for a
ResizeObserver polyfill (only in browsers too old to have one), and api.github.com (only when a
repository is configured, which it is not). We rewrite those addresses to local paths that do
not exist, so that even in those cases the browser asks only the school's own server.

The sitemap is removed: it needs a public site_url, and an intranet copy has none.
"""
from __future__ import annotations

import re
from pathlib import Path

LOADERS = {
    "https://unpkg.com/": "assets/vendor/not-bundled/unpkg/",
    "https://api.github.com/": "assets/vendor/not-bundled/github-api/",
}


def neutralise_loaders(site_dir: Path) -> list[Path]:
    changed = []
    for js in (site_dir / "assets" / "javascripts").rglob("*.js"):
        text = js.read_text(encoding="utf-8")
        new = text
        for remote, local in LOADERS.items():
            new = new.replace(remote, local)
        if new != text:
            js.write_text(new, encoding="utf-8")
            changed.append(js)
    return changed


def remove_sitemaps(site_dir: Path) -> None:
    for path in site_dir.rglob("sitemap.xml*"):
        path.unlink()


def remove_lunr(site_dir: Path) -> list[Path]:
    """Remove Material's lunr search worker and its thirty language packs: search runs on our own
    worker and index (xinyu/search.py), so they would be third-party code that nobody runs."""
    removed = []
    js = site_dir / "assets" / "javascripts"
    for path in list((js / "lunr").rglob("*")) + list((js / "workers").glob("search.*")):
        if path.is_file():
            path.unlink()
            removed.append(path)
    for folder in (js / "lunr" / "min", js / "lunr", js / "workers"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


PRE = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.S | re.I)


def compact_html(html: str) -> str:
    """Drop the indentation and blank lines of Material's templates (a third of a page).

    Only whitespace at the start of a line goes, outside <pre>, <textarea> and <script>; the
    newline stays, so text renders exactly as before.
    """
    parts = PRE.split(html)
    out = []
    i = 0
    while i < len(parts):
        out.append(re.sub(r"\n[ \t\r\n]+", "\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])   # the protected block, unchanged
        i += 3
    return "".join(out)
