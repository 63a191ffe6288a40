"""Search that grows with the library: a sharded index the browser loads a piece at a time.

Why not Material's lunr index: it is one file the reader downloads whole before the first result
(about 4 MB for the Chinese site), so it had to leave most sections out to stay near 1 MB.
Why not Pagefind: it fetches its files with fetch() and loads its code as ES modules, both refused
for pages opened from disk (file://), which the offline copy must support; a second engine for
the offline copy would give different results in the two places. The index here is made of small
JavaScript files, which a page may load by script tag from disk and by fetch() over HTTP, so the
intranet server and the offline copy run the same search on the same files.

Per language (`search/` for Chinese, `en/search/` for English):

- `search_index.json` (and `search_index.js` in the offline build) — the manifest Material's
  bundle loads and hands to the search worker: one short row per page (address, title, what it
  is, grade and semester) and the query vocabulary of data/search.yml. A few tens of KiB.
- `shards/N.js` — the postings: for each term, the pages that contain it with a precomputed
  score (BM25 over weighted fields: title, the words of data/search.yml, labels, headings,
  summary, body). A term's shard is a hash of the term, so a query reads only the shards of its
  own terms. Chinese is indexed as overlapping character pairs (入学适应 → 入学 学适 适应), which
  needs no dictionary in the browser and finds 适应 inside 入学适应; English as words with a
  light stemmer, the last word also as a prefix (its shard is chosen by its first three letters).
- `frags/N.js` — per page: its summary and section headings, loaded for the results shown only.

The worker (docs/assets/javascripts/search-worker.js) speaks Material's worker protocol, so
Material's search dialog, its keyboard use and its look stay as they are.

Everything here is plain Python and is tested without MkDocs (tests/test_search.py); the tokeniser
and the hash are mirrored in the worker and tested against it in the browser tests.
"""
from __future__ import annotations

import html as htmllib
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import filterfalse
from operator import add
from pathlib import Path

from . import data

# --------------------------------------------------------------------------- tokeniser
# Mirrored in search-worker.js (normalise, terms, stem, fnv); keep the two in step.

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(f"[{HAN}]+|[a-z0-9]+")
FIELDS = {"title": 12.0, "words": 10.0, "labels": 6.0, "headings": 3.0, "summary": 3.0, "body": 1.0}
K1, B = 1.2, 0.75
SCALE = 8          # scores are stored as integers: round(BM25 × SCALE)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str, stopwords: frozenset = frozenset()) -> list[str]:
    """Character pairs of Chinese runs; stemmed English words of two or more letters."""
    out: list[str] = []
    stop = stopwords.__contains__
    for run in TOKEN.findall(normalise(text)):
        if "a" <= run[0] <= "z" or "0" <= run[0] <= "9":
            if len(run) > 1 and run not in stopwords:
                out.append(stem(run))
        else:
            out.extend(filterfalse(stop, map(add, run, run[1:])))   # the character pairs, fast
    return out


def fnv(text: str) -> int:
    """32-bit FNV-1a over UTF-16 code units (what JavaScript's charCodeAt gives)."""
    h = 0x811C9DC5
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def shard_key(term: str) -> str:
    return term[:3] if "a" <= term[0] <= "z" or "0" <= term[0] <= "9" else term


# --------------------------------------------------------------------------- pages

@dataclass
class Doc:
    """One page as search sees it."""
    url: str                     # relative to the language root, as the browser resolves it
    title: str
    uri: str = ""                # docs-space path (parents/home-visit.md)
    kind: str = "page"           # a key of strings.yml search_kinds
    grades: tuple[int, ...] = ()  # the grades a page is for (a lesson's grade, a parent stage's grades)
    semester: str = ""           # autumn | spring | ""
    summary: str = ""
    labels: str = ""             # kind, grade, semester, topic and other labels, tags
    words: list[str] = field(default_factory=list)   # data/search.yml: the words readers use
    sections: list[tuple[str, str, str]] = field(default_factory=list)   # (anchor, heading, text)


HEADING = re.compile(r'<h([1-6])\b[^>]*?\bid="([^"]*)"[^>]*>(.*?)</h\1>', re.S)
DROP = re.compile(r"<(script|style|svg|template)\b.*?</\1>|<a class=\"headerlink\".*?</a>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def plain(fragment: str) -> str:
    return SPACE.sub(" ", htmllib.unescape(TAG.sub(" ", DROP.sub(" ", fragment)))).strip()


EXCLUDED = re.compile(r"<(div|section|p|span)\b[^>]*\bdata-search-exclude\b[^>]*>", re.I)


def drop_excluded(content: str) -> str:
    """Remove each element carrying data-search-exclude, with everything nested in it."""
    while True:
        m = EXCLUDED.search(content)
        if not m:
            return content
        tag = m.group(1).lower()
        depth, pos = 1, m.end()
        pattern = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
        for t in pattern.finditer(content, m.end()):
            depth += -1 if t.group(1) else 1
            pos = t.end()
            if depth == 0:
                break
        content = content[:m.start()] + " " + content[pos:]


def sections_of(content: str) -> list[tuple[str, str, str]]:
    """The rendered page body cut at its headings: (anchor, heading, text) per section.

    Elements marked `data-search-exclude` stay out: the summary table of a Chinese lesson page
    (its labels are indexed as labels) and an untranslated lesson's Chinese body on the English
    site."""
    content = drop_excluded(content)
    out = []
    last, anchor, heading = 0, "", ""
    for m in HEADING.finditer(content):
        out.append((anchor, heading, plain(content[last:m.start()])))
        last, anchor, heading = m.end(), htmllib.unescape(m.group(2)), plain(m.group(3))
    out.append((anchor, heading, plain(content[last:])))
    return [s for s in out if s[1] or s[2]]


# --------------------------------------------------------------------------- the words people use

@data.cached
def vocabulary() -> dict:
    """data/search.yml, checked by `check_vocabulary`."""
    return data.load_yaml("search.yml")


def words_for(uri: str, meta, lang: str, vocab: dict | None = None) -> list[str]:
    """The words data/search.yml gives a page: by its address, and by rules on its front matter."""
    vocab = vocab or vocabulary()
    out = list((vocab.get("pages", {}).get(uri) or {}).get(lang, []))
    for rule in vocab.get("rules", []):
        if meta is not None and _matches(rule.get("when", {}), meta):
            out += rule.get(lang, [])
    return out


def _matches(when: dict, meta) -> bool:
    for key, wanted in when.items():
        value = getattr(meta, key, None)
        wanted = wanted if isinstance(wanted, list) else [wanted]
        values = value if isinstance(value, list) else [value]
        if not set(map(str, values)) & set(map(str, wanted)):
            return False
    return True


RULE_FIELDS = ("grade", "semester", "moment", "topics", "focus", "methods", "slots", "stage")


def check_vocabulary(known_pages: set[str], vocab_path: Path | None = None) -> list:
    """data/search.yml: the pages it names exist, rules match on known fields, grade words name
    grades 1–12, semester words name a semester. Problems come as `path:line: what — fix`."""
    import yaml

    from .content import Problem
    from .paths import DATA
    path = vocab_path or DATA / "search.yml"
    text = path.read_text(encoding="utf-8")
    try:
        vocab = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem(path, mark.line + 1 if mark else 1, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                        "fix the line; lists are written [a, b, c]")]
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next((n for n, line in enumerate(lines, 1) if needle in line), 1)

    problems = []
    for uri in list(vocab.get("pages") or {}) + list((vocab.get("crisis") or {}).get("pages", [])):
        if uri not in known_pages:
            problems.append(Problem(path, line_of(uri), f"no page {uri}",
                                    "name a page by its path in the docs space, e.g. parents/home-visit.md or lessons/grade-07/g07-au-hello-junior-high.md"))
    for uri, langs in (vocab.get("pages") or {}).items():
        if not isinstance(langs, dict) or set(langs) - {"zh", "en"} or not all(isinstance(w, list) for w in langs.values()):
            problems.append(Problem(path, line_of(uri), f"{uri}: the words are not given as zh: [...] and en: [...]",
                                    "see the comment at the top of the file"))
    for rule in vocab.get("rules") or []:
        bad = sorted(set(rule.get("when") or {}) - set(RULE_FIELDS))
        if bad:
            problems.append(Problem(path, line_of(bad[0] + ":"), f"a rule matches on unknown field(s) {', '.join(bad)}",
                                    f"use {', '.join(RULE_FIELDS)}"))
    for lang, entries in (vocab.get("filters") or {}).items():
        for word, grades in (entries or {}).items():
            if not isinstance(grades, list) or not grades or not all(isinstance(g, int) and 1 <= g <= 12 for g in grades):
                problems.append(Problem(path, line_of(f"{word}:"), f"{word}: grades are a list of numbers from 1 to 12", "e.g. 五年级: [5]"))
    semesters = set(data.vocabularies()["semesters"])
    for lang, entries in (vocab.get("semester_words") or {}).items():
        for word, sem in (entries or {}).items():
            if sem not in semesters:
                problems.append(Problem(path, line_of(str(word)), f"{word}: '{sem}' is not a semester", f"use one of {', '.join(sorted(semesters))}"))
    return problems


# --------------------------------------------------------------------------- building the index

def _weighted_terms(doc: Doc, stop: frozenset) -> tuple[Counter, int]:
    tf: Counter = Counter()
    length = 0
    fields = {"title": doc.title, "words": " ".join(doc.words), "labels": doc.labels, "summary": doc.summary,
              "headings": " ".join(h for _, h, _ in doc.sections), "body": " ".join(t for _, _, t in doc.sections)}
    for name, text in fields.items():
        found = terms(text, stop)
        length += len(found)
        weight = FIELDS[name]
        for term, count in Counter(found).items():
            tf[term] += count * weight
    return tf, length


def shard_count(total_bytes: int) -> int:
    """Shards of about 6 KB; a power of two so that the modulus is cheap and stable."""
    n = 16
    while total_bytes / n > 6000 and n < 4096:
        n *= 2
    return n


def build(docs: list[Doc], lang: str, strings: dict, vocab: dict | None = None, default: str = "zh") -> dict[str, str]:
    """The index files of one language: relative path (under its search/ folder) → text."""
    vocab = vocab or vocabulary()
    stop = frozenset(w for words in (vocab.get("stopwords") or {}).values() for w in words)   # both languages' pages mix both
    weighted = [_weighted_terms(d, stop) for d in docs]
    n = len(docs)
    avg = sum(length for _, length in weighted) / max(n, 1) or 1.0
    df: Counter = Counter()
    for tf, _ in weighted:
        df.update(tf.keys())
    idf = {term: math.log(1 + (n - f + 0.5) / (f + 0.5)) * (K1 + 1) * SCALE for term, f in df.items()}
    encoded: dict[str, list[int]] = defaultdict(list)     # term → [doc delta, score, doc delta, score, …]
    last: dict[str, int] = {}
    for i, (tf, length) in enumerate(weighted):
        norm = K1 * (1 - B + B * length / avg)
        for term, w in tf.items():
            flat = encoded[term]
            flat.append(i - last.get(term, 0))
            flat.append(round(idf[term] * w / (w + norm)) or 1)
            last[term] = i
    total = sum(len(t) + 4 * len(v) for t, v in encoded.items())
    count = shard_count(total)
    shards: list[dict] = [{} for _ in range(count)]
    for term in sorted(encoded):
        shards[fnv(shard_key(term)) % count][term] = encoded[term]

    files = {f"shards/{k}.js": _script(f"s{k}", shard) for k, shard in enumerate(shards)}
    for i, d in enumerate(docs):
        files[f"frags/{i}.js"] = _script(f"f{i}", [d.summary, [[a, h] for a, h, _ in d.sections if a and h]])

    manifest = {
        "config": {
            "lang": [lang], "separator": r"[\s\-]+", "pipeline": [],
            "xy": {
                "path": "search/" if lang == default else f"{lang}/search/",
                "shards": count, "stopwords": sorted(stop),
                "kinds": strings["search_kinds"], "grades": {str(g): data.label("grades", g, lang) for g in data.vocabularies()["grades"]},
                "semesters": {k: data.label("semesters", k, lang) for k in data.vocabularies()["semesters"]},
                "filters": (vocab.get("filters") or {}).get(lang, {}),
                "semester_words": (vocab.get("semester_words") or {}).get(lang, {}),
                "crisis": {"words": (vocab.get("crisis") or {}).get(lang, []),
                           "docs": [i for uri in (vocab.get("crisis") or {}).get("pages", [])
                                    for i, d in enumerate(docs) if d.uri == uri]},
                "words": _word_pages(docs),
            },
        },
        "docs": [[d.url, d.title, d.kind, _mask(d.grades), d.semester] for d in docs],
    }
    files["search_index.json"] = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
    return files


def _word_pages(docs: list[Doc]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        for w in dict.fromkeys(d.words):
            out[w].append(i)
    return dict(out)


def _mask(grades) -> int:
    return sum(1 << g for g in set(grades))


def _script(name: str, payload) -> str:
    return f"__xy({json.dumps(name)},{json.dumps(payload, ensure_ascii=False, separators=(',', ':'))});\n"


def describe(uri: str, url: str, title: str, content: str, lib, lang: str, strings: dict) -> Doc:
    """A built page as a search document: what it is, for which grades, its labels and words."""
    from .site import handout_uri, session_uri
    item = next((i for i in lib.items if i.src_uri == uri), None)
    parent = next((i for i in lib.parents if uri in (session_uri(i), handout_uri(i))), None)
    label = data.label
    # Front-matter titles arrive entity-escaped (escape.page_meta); the worker escapes what it shows.
    doc = Doc(url=url, title=htmllib.unescape(title), uri=uri, sections=sections_of(content))
    meta = item.meta if item is not None else None
    labels: list[str] = []
    if item is not None:
        doc.kind = item.kind
        # On the English site a page not yet translated shows its summary table and the Chinese
        # text: the result names the Chinese title instead of quoting the table.
        doc.summary = meta.summary if lang == "zh" else ("" if item.translation is not None else meta.title)
        if item.kind in ("lesson", "classmeeting", "overview"):
            doc.grades, doc.semester = (meta.grade,), meta.semester
            stage = data.stage_of_grade(meta.grade)
            labels += [label("grades", meta.grade, lang), label("semesters", meta.semester, lang), label("stages", stage, lang)]
        if item.kind in ("lesson", "classmeeting"):
            labels += [label("topics", c, lang) for c in meta.topics]
            labels += [label("moments", meta.moment, lang)] if meta.moment else []
            labels += [label("focus", c, lang) for c in getattr(meta, "focus", [])]
            labels += [label("methods", c, lang) for c in getattr(meta, "methods", [])]
            labels += [label("slots", c, lang) for c in getattr(meta, "slots", [])]
        elif item.kind == "parent":
            stages = data.vocabularies()["stages"]
            doc.grades = tuple(stages[meta.stage]["grades"]) if meta.stage in stages else ()
            labels += [label("parent_stages", meta.stage, lang)] + [label("parent_topics", c, lang) for c in meta.topics]
        elif item.kind == "training":
            labels += [label("roles", c, lang) for c in meta.roles] + [label("training_topics", c, lang) for c in meta.topics]
        labels += list(meta.tags)
    elif parent is not None:
        doc.kind = "session" if uri == session_uri(parent) else "handout"
        meta = parent.meta
    elif uri.startswith("procedures/"):
        doc.kind = "procedure"
    elif re.match(r"lessons/grade-\d\d/index\.md$", uri):
        doc.kind, doc.grades = "grade", (int(uri[14:16]),)
    elif uri.startswith("topics/") and uri != "topics/index.md":
        doc.kind = "topic"
    elif re.match(r"plans/grade-\d\d\.md$", uri):
        doc.kind, doc.grades = "plan", (int(uri[12:14]),)
    kind_label = strings["search_kinds"].get(doc.kind, "")
    doc.labels = " ".join([kind_label] + labels)
    if not doc.summary:
        first = next((t for _, _, t in doc.sections if t), "")
        doc.summary = first[:90] + ("…" if len(first) > 90 else "")
    doc.words = words_for(uri, meta, lang)
    if meta is not None and item is None and parent is not None:
        doc.words = words_for(uri, None, lang)
    return doc


def write(site_dir: Path, lang: str, default: str, files: dict[str, str], offline: bool) -> int:
    """Write one language's index into the built site; returns the bytes written.

    Everything is written to a temporary folder first and moved into place, so a failed build
    never leaves half an index."""
    import shutil
    import tempfile
    folder = site_dir / ("search" if lang == default else f"{lang}/search")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".search-", dir=folder.parent))
    size = 0
    for rel, text in files.items():
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    if offline:
        (tmp / "search_index.js").write_text("var __index = " + files["search_index.json"], encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    return size


# --------------------------------------------------------------------------- Material's config

WORKER = "assets/javascripts/search-worker.js"
WORKER_SOURCE = "docs/" + WORKER
ROOT = Path(__file__).resolve().parent.parent
CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def localise_config(html: str, lang: str, default: str = "zh", worker: str | None = None) -> str:
    """Point Material's `base` at the language root for pages of a non-default language (where
    the bundle looks for the manifest), and its `search` at our worker."""
    if lang == default and worker is None:
        return html

    def fix(m):
        cfg = json.loads(m.group(2))
        if lang != default:
            base = cfg["base"].rstrip("/")
            # The trailing slash matters: the browser resolves "search/…" and result links against it.
            cfg["base"] = f"{base}/{lang}/" if base not in ("", ".") else f"{lang}/"
        if worker is not None:
            cfg["search"] = worker
        return m.group(1) + json.dumps(cfg, ensure_ascii=False, separators=(",", ":")) + m.group(3)

    return CONFIG.sub(fix, html, count=1)
