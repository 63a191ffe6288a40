"""Per-language search.

mkdocs-static-i18n builds every language but leaves ONE merged search index, so a reader on the
Chinese site would get English results and the reverse. After the build we split that index:
`search/search_index.json` keeps the Chinese pages, `en/search/search_index.json` the English
ones, and every English page's `__config.base` points at `en/`, which is where Material's search
looks for its index (over HTTP and, through `search_index.js`, from disk).

Lesson pages not yet translated are listed under /en/ with an English summary card; in the
English index they keep only that page-level entry, not their Chinese sections.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def localise_config(html: str, lang: str, default: str = "zh") -> str:
    """Point Material's `base` at the language root for pages of a non-default language."""
    if lang == default:
        return html

    def fix(m):
        cfg = json.loads(m.group(2))
        base = cfg["base"].rstrip("/")
        cfg["base"] = f"{base}/{lang}" if base not in ("", ".") else lang
        return m.group(1) + json.dumps(cfg, ensure_ascii=False, separators=(",", ":")) + m.group(3)

    return CONFIG.sub(fix, html, count=1)


def split_entries(docs: list[dict], lang: str, untranslated: set[str], default: str = "zh") -> list[dict]:
    if lang == default:
        return [d for d in docs if not re.match(r"^[a-z]{2}/", d["location"])]
    prefix = f"{lang}/"
    out = []
    for d in docs:
        loc = d["location"]
        if not loc.startswith(prefix):
            continue
        page = loc.split("#", 1)[0]
        if page in untranslated and "#" in loc:
            continue
        out.append({**d, "location": loc[len(prefix):]})
    return out


def split_index(site_dir: Path, langs: tuple[str, ...], untranslated: set[str], offline: bool = False) -> dict[str, int]:
    """Rewrite the merged index as one index per language. Returns entries per language."""
    merged_path = site_dir / "search" / "search_index.json"
    if not merged_path.exists():
        return {}
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    counts = {}
    for lang in langs:
        docs = split_entries(merged["docs"], lang, untranslated)
        folder = site_dir / ("search" if lang == langs[0] else f"{lang}/search")
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"config": merged["config"], "docs": docs}, ensure_ascii=False, separators=(",", ":"))
        (folder / "search_index.json").write_text(text, encoding="utf-8")
        if offline:
            (folder / "search_index.js").write_text(f"var __index = {text}", encoding="utf-8")
        counts[lang] = len(docs)
    return counts
