"""“This week” on the home page: per grade, the lesson or 班会微课 planned for this week and the
next, computed in the browser from today's date.

The build writes the data as a script file (`assets/javascripts/this-week-data.js`, which sets
`window.XINYU_THIS_WEEK`): pages opened from disk (file://) cannot fetch() a JSON file, but they
can load a script. `docs/assets/javascripts/this-week.js` reads it and fills the box the home
page's `<!-- xinyu:this-week -->` marker leaves. The lessons' dates come from the same plans as
the plan pages (xinyu.planner on data.calendar()), so both show one sequence.
"""
from __future__ import annotations

import datetime as dt
import json

from . import data, planner
from .content import Item, Library

DATA_URI = "assets/javascripts/this-week-data.js"
SCRIPT_URI = "assets/javascripts/this-week.js"


def _title(item: Item) -> dict:
    return {"zh": item.meta.title, "en": item.meta.title_en or item.meta.title}


def _files(item: Item, lib: Library) -> list[dict]:
    """The lesson's downloads (site-root paths) with their labels' keys in strings.yml."""
    if not lib.downloads:
        return []
    from . import export
    if item.kind == "classmeeting":
        return [{"uri": export.classmeeting_docx_uri(item), "label": "lesson_doc"}]
    files = [{"uri": export.lesson_docx_uri(item), "label": "lesson_doc"}]
    files += [{"uri": export.worksheet_docx_uri(item, n), "label": "worksheet", "n": n} for n in range(1, len(item.worksheets) + 1)]
    if item.format == 2:
        files.append({"uri": export.slides_uri(item), "label": "slides"})
    return files


def _page(item: Item) -> str:
    return item.src_uri[:-len(".md")]


def build(lib: Library, cal: dict | None = None) -> dict:
    """Everything the browser needs: per grade and semester, the term's dates, the planned lessons
    (date and teaching week, as on the plan page) and the 班会微课 (their suggested weeks)."""
    from .site import strings
    cal = cal or data.calendar()
    grades = {}
    for g in data.grades():
        terms = []
        for sem in ("autumn", "spring"):
            p = planner.plan(lib, g, sem, cal)
            monday = p.start - dt.timedelta(days=p.start.weekday())
            items = [{"kind": "lesson", "from": e.date.isoformat(), "to": e.date.isoformat(), "week": e.week,
                      "title": _title(e.lesson), "page": _page(e.lesson), "files": _files(e.lesson, lib)}
                     for e in p.lessons]
            for m in lib.semester_classmeetings(g, sem):
                first, last = min(m.meta.weeks), max(m.meta.weeks)
                start = max(p.start, monday + dt.timedelta(weeks=first - 1))
                end = min(p.end, monday + dt.timedelta(weeks=last - 1, days=6))
                items.append({"kind": "classmeeting", "from": start.isoformat(), "to": end.isoformat(), "week": first,
                              "title": _title(m), "page": _page(m), "files": _files(m, lib)})
            items.sort(key=lambda i: (i["from"], i["kind"] != "lesson"))
            terms.append({"semester": sem, "start": p.start.isoformat(), "end": p.end.isoformat(), "items": items})
        grades[str(g)] = {"label": {lang: data.label("grades", g, lang) for lang in ("zh", "en")}, "terms": terms}
    holidays = [{"name": h["name"] if isinstance(h["name"], dict) else {"zh": str(h["name"]), "en": str(h["name"])},
                 "start": planner._date(h["start"], "start").isoformat(), "end": planner._date(h["end"], "end").isoformat()}
                for h in cal["holidays"]]
    name = cal.get("name") or {}
    name = name if isinstance(name, dict) else {"zh": str(name), "en": str(name)}
    return {"calendar": {"zh": name.get("zh", ""), "en": name.get("en") or name.get("zh", "")},
            "grades": grades, "order": [str(g) for g in data.grades()], "holidays": holidays,
            "labels": {lang: strings()[lang]["this_week"] for lang in ("zh", "en")}}


def script(payload: dict, directory_urls: bool) -> bytes:
    """The data as a script file. JSON is valid JavaScript; `</` is escaped all the same."""
    payload = dict(payload, directoryUrls=directory_urls)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return ("// Made by the site build (xinyu/thisweek.py) from the plans: do not edit.\n"
            f"window.XINYU_THIS_WEEK = {text};\n").encode("utf-8")


def marker(page_uri: str, lang: str) -> str:
    """The box on the home page that this-week.js fills, and its two scripts."""
    from markupsafe import escape

    from .site import t
    # Made for the home page of each language (index.md → / and /en/); the scripts and the Word
    # files sit under the site's root, the lesson pages beside the page in its language.
    root = "../" * page_uri.count("/") + ("../" if lang != "zh" else "")
    note = t(lang, "this_week_noscript")
    return (f'<div class="xy-this-week" id="this-week" data-lang="{lang}" data-root="{escape(root)}" markdown>\n\n'
            f"## {t(lang, 'this_week_title')}\n\n"
            f'<div class="xy-tw-body" markdown>\n\n{note}\n\n</div>\n\n</div>\n\n'
            f'<script src="{escape(root)}{DATA_URI}"></script>\n'
            f'<script src="{escape(root)}{SCRIPT_URI}"></script>\n')
