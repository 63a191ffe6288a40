"""Per-language search.

mkdocs-static-i18n builds every language but leaves ONE merged search index, so a reader on the
Chinese site would get English results and the reverse. After the build we split that index:
`search/search_index.json` keeps the Chinese pages, `en/search/search_index.json` the English
ones, and every English page's `__config.base` points at `en/`, which is where Material's search
looks for its index (over HTTP and, through `search_index.js`, from disk).

Lesson pages not yet translated are listed under /en/ with an English summary card; in the
English index they keep only that page-level entry, not their Chinese sections.

Sub-words: jieba with our domain dictionary keeps terms such as 入学适应 whole, so a search for
适应 would miss a page that only says 入学适应. Each entry gets a `parts` field with the shorter
words that jieba's search mode finds inside such terms; Material's search worker indexes every
field named in the index's config, and shows only title and text.
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
        # The trailing slash matters: the browser resolves "search/…" and result links against it.
        cfg["base"] = f"{base}/{lang}/" if base not in ("", ".") else f"{lang}/"
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


HAN = re.compile(r"[\u4e00-\u9fff]+")
TAG = re.compile(r"<[^>]+>")
# Chinese punctuation the index treats as a word separator. jieba puts U+200B on both sides of
# every punctuation mark; a separator needs no separator around it, so those go (lossless for
# search, about a tenth of the index).
PUNCT = "、。，．？！；：“”‘’（）《》〈〉【】…—·"
SEPARATOR = r"[\s\u200b\u3000\-" + PUNCT + r"]+"
ZWSP_AROUND_PUNCT = re.compile(r"\u200b*([" + PUNCT + r"]+)\u200b*")


def compact_entry(d: dict) -> None:
    """Drop separators next to punctuation, and markup from the text (results show plain text)."""
    for key in ("title", "text"):
        if key in d:
            value = ZWSP_AROUND_PUNCT.sub(r"\1", d[key])
            if key == "text":
                value = re.sub(r"\s+", " ", TAG.sub(" ", value)).strip()
            d[key] = value


def add_subwords(docs: list[dict], cut_for_search) -> None:
    """Give each entry a `parts` field: words inside its whole terms (适应 inside 入学适应),
    and a `tagparts` field with the words inside its tags, weighted like a title.

    Entries are already segmented (words joined by U+200B), so each distinct word of three or
    more characters is split once and remembered."""
    memo: dict[str, list[str]] = {}

    def inner(word: str) -> list[str]:
        if word not in memo:
            memo[word] = [w for w in cut_for_search(word) if 1 < len(w) < len(word)] if len(word) > 2 and HAN.fullmatch(word) else []
        return memo[word]

    for d in docs:
        tags = d.get("tags", [])
        tagparts = {w for t in tags for w in cut_for_search(t) if len(w) > 1 and w not in tags}
        if tagparts:
            d["tagparts"] = "\u200b".join(sorted(tagparts))
        words = set(re.split(r"[\s\u200b]+", TAG.sub(" ", d.get("title", "") + "\u200b" + d.get("text", ""))))
        parts = {p for w in words for p in inner(w)} - words
        if parts:
            d["parts"] = "\u200b".join(sorted(parts))


def split_index(site_dir: Path, langs: tuple[str, ...], untranslated: set[str], offline: bool = False,
                cut_for_search=None) -> dict[str, int]:
    """Rewrite the merged index as one index per language. Returns entries per language."""
    merged_path = site_dir / "search" / "search_index.json"
    if not merged_path.exists():
        return {}
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    merged["config"]["separator"] = SEPARATOR
    if cut_for_search:
        merged["config"]["fields"]["parts"] = {"boost": 1.0}
        merged["config"]["fields"]["tagparts"] = {"boost": 1000.0}
    counts = {}
    for lang in langs:
        docs = split_entries(merged["docs"], lang, untranslated)
        if cut_for_search:
            add_subwords(docs, cut_for_search)
        for d in docs:
            compact_entry(d)
        folder = site_dir / ("search" if lang == langs[0] else f"{lang}/search")
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"config": merged["config"], "docs": docs}, ensure_ascii=False, separators=(",", ":"))
        (folder / "search_index.json").write_text(text, encoding="utf-8")
        if offline:
            (folder / "search_index.js").write_text(f"var __index = {text}", encoding="utf-8")
        counts[lang] = len(docs)
    return counts
