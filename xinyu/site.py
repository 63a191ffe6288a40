"""Markdown for the pages the site builds from the content: lesson, parent and training pages,
the grade and topic indexes, and the lists that hand-written pages embed with a marker.

Pure functions of the Library; the MkDocs hook (hooks/site.py) only places their output.
Every function takes `lang` ("zh" or "en") and returns Markdown.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache

import yaml

from . import data
from .content import Item, Library
from .paths import DATA

LANGS = ("zh", "en")
HELP = "help.md"


@lru_cache(maxsize=None)
def strings() -> dict:
    with open(DATA / "strings.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def t(lang: str, key: str, **kw) -> str:
    value = strings()[lang][key]
    return value.format(**kw) if kw else value


def rel(from_uri: str, to_uri: str) -> str:
    """Relative link from one docs-space page to another."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def _front(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def _weeks(weeks: list[int], lang: str) -> str:
    w = sorted(weeks)
    span = f"{w[0]}–{w[-1]}" if len(w) > 1 and w[-1] - w[0] == len(w) - 1 else "、".join(map(str, w))
    return t(lang, "week_n", weeks=span)


def title_of(item: Item, lang: str) -> str:
    if lang == "en" and item.meta.title_en:
        return item.meta.title_en
    return item.meta.title


def _admonition(kind: str, title: str, text: str) -> str:
    body = "\n".join("    " + line for line in text.split("\n"))
    return f'!!! {kind} "{title}"\n\n{body}\n\n'


def help_box(src_uri: str, lang: str) -> str:
    return _admonition("tip", t(lang, "help_box_title"), t(lang, "help_box", help=rel(src_uri, HELP)))


def topic_uri(code: str) -> str:
    return f"topics/{code}.md"


def grade_uri(grade: int) -> str:
    return f"lessons/grade-{grade:02d}/index.md"


# --------------------------------------------------------------------------- item pages

def _position(item: Item, lib: Library, lang: str) -> str:
    """Where a lesson sits in its semester: "秋季学期第3课（共10课） · 上一课 … · 下一课 …"."""
    m, src = item.meta, item.src_uri
    seq = lib.semester_lessons(m.grade, m.semester)
    n = seq.index(item)
    overview = lib.overview(m.grade, m.semester)
    where = t(lang, "position_n", semester=data.label("semesters", m.semester, lang), n=n + 1, total=len(seq))
    if overview:
        where = f"[{where}]({rel(src, overview.src_uri)})"
    parts = [where]
    if n > 0:
        parts.append(f"{t(lang, 'previous')}：[{title_of(seq[n - 1], lang)}]({rel(src, seq[n - 1].src_uri)})" if lang == "zh"
                     else f"{t(lang, 'previous')}: [{title_of(seq[n - 1], lang)}]({rel(src, seq[n - 1].src_uri)})")
    if n + 1 < len(seq):
        parts.append(f"{t(lang, 'next')}：[{title_of(seq[n + 1], lang)}]({rel(src, seq[n + 1].src_uri)})" if lang == "zh"
                     else f"{t(lang, 'next')}: [{title_of(seq[n + 1], lang)}]({rel(src, seq[n + 1].src_uri)})")
    return "<br>".join(parts)


def _card(item: Item, lang: str, lib: Library | None = None) -> str:
    m, src = item.meta, item.src_uri
    rows: list[tuple[str, str]] = []
    if item.kind == "lesson":
        grade = f"[{data.label('grades', m.grade, lang)}]({rel(src, grade_uri(m.grade))})"
        rows.append((t(lang, "grade"), f"{grade} · {data.label('semesters', m.semester, lang)} · {_weeks(m.weeks, lang)}"))
        if lib is not None:
            rows.append((t(lang, "position"), _position(item, lib, lang)))
        rows.append((t(lang, "duration"), t(lang, "minutes", n=m.duration)))
        rows.append((t(lang, "topics"), " · ".join(f"[{data.label('topics', c, lang)}]({rel(src, topic_uri(c))})" for c in m.topics)))
        if m.moment:
            rows.append((t(lang, "moment"), data.label("moments", m.moment, lang)))
        if m.focus:
            rows.append((t(lang, "focus"), " · ".join(data.label("focus", c, lang) for c in m.focus)))
        rows.append((t(lang, "methods"), " · ".join(data.label("methods", c, lang) for c in m.methods)))
        rows.append((t(lang, "slots"), " · ".join(data.label("slots", c, lang) for c in m.slots)))
    elif item.kind == "parent":
        rows.append((t(lang, "parent_stage"), data.label("parent_stages", m.stage, lang)))
        rows.append((t(lang, "parent_semester"), data.label("parent_semesters", m.semester, lang)))
        rows.append((t(lang, "topics"), " · ".join(data.label("parent_topics", c, lang) for c in m.topics)))
        rows.append((t(lang, "reading"), t(lang, "minutes", n=m.reading_minutes)))
        rows.append((t(lang, "session"), t(lang, "minutes", n=m.session_minutes)))
    else:
        rows.append((t(lang, "roles"), " · ".join(data.label("roles", c, lang) for c in m.roles)))
        rows.append((t(lang, "types"), " · ".join(data.label("training_types", c, lang) for c in m.types)))
        rows.append((t(lang, "hours"), t(lang, "hours_n", n=f"{m.hours:g}")))
        rows.append((t(lang, "topics"), " · ".join(data.label("training_topics", c, lang) for c in m.topics)))
    if m.requirements:
        rows.append((t(lang, "requirements"), " · ".join(f"[{r}]({rel(src, 'policy.md')}#{r.lower()})" for r in m.requirements)))
    if m.sensitivity != "standard":
        rows.append((t(lang, "sensitivity"), data.label("sensitivity", m.sensitivity, lang)))
    lines = ["| | |", "|---|---|"] + [f"| **{k}** | {v} |" for k, v in rows]
    return "\n".join(lines) + "\n\n"


def _fill_body(item: Item, lang: str) -> str:
    """The body as written, with front-matter objectives and materials placed in their sections."""
    m = item.meta
    out = []
    for line in item.doc.body.split("\n"):
        out.append(line)
        if item.kind != "lesson":
            continue
        if line.strip() == "## 教学目标":
            o = m.objectives
            out += ["", f"- **{t('zh', 'objectives')['cognitive']}**：{o.cognitive}",
                    f"- **{t('zh', 'objectives')['affective']}**：{o.affective}",
                    f"- **{t('zh', 'objectives')['behavioural']}**：{o.behavioural}"]
        elif line.strip() == "## 教学准备":
            out += ["", f"**{t('zh', 'materials')}**：", ""] + [f"- {x}" for x in m.materials]
    body = "\n".join(out)
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S)


def render_overview(item: Item, lib: Library, lang: str) -> str:
    """A grade's semester overview: aims, the ordered lessons, how they build on each other."""
    m, src = item.meta, item.src_uri
    title = title_of(item, lang)
    parts = [_front({"title": title}), f"# {title}\n\n"]
    if lang == "en":
        parts.append(_admonition("note", t(lang, "untranslated_title"), t(lang, "untranslated_note")))
    body = item.doc.section("本学期目标").own_text.strip()
    parts.append(f"## {t(lang, 'aims')}\n\n" + (f'<div lang="zh-Hans" markdown>\n\n{body}\n\n</div>' if lang == "en" else body) + "\n\n")
    parts.append(f"## {t(lang, 'sequence')}\n\n")
    parts.append(_lesson_rows(lib.semester_lessons(m.grade, m.semester), src, lang, numbered=True))
    story = item.doc.section("课程脉络").own_text.strip()
    parts.append(f"## {t(lang, 'how_they_build')}\n\n" + (f'<div lang="zh-Hans" markdown>\n\n{story}\n\n</div>' if lang == "en" else story) + "\n\n")
    return "".join(parts)


def render_item(item: Item, lang: str, lib: Library | None = None) -> str:
    """The page for one lesson, parent module or training unit, in `lang`."""
    if item.kind == "overview":
        return render_overview(item, lib, lang)
    m = item.meta
    tags = [data.label("topics" if item.kind == "lesson" else ("parent_topics" if item.kind == "parent" else "training_topics"), c, lang)
            for c in m.topics]
    if lang == "zh":
        tags += [x for x in m.tags if x not in tags]
    front = {"title": title_of(item, lang), "description": m.summary, "tags": tags}
    head = f"# {title_of(item, lang)}\n\n"
    if lang == "en" and m.title_en:
        head += f"<p lang=\"zh-Hans\">{m.title}</p>\n\n"
    parts = [_front(front), head]
    if lang == "zh":
        parts.append(f"{m.summary}\n\n")
    parts.append(_card(item, lang, lib))
    if m.sensitivity == "high":
        parts.append(_admonition("warning", t(lang, "sensitive_title"), t(lang, "sensitive_note", help=rel(item.src_uri, HELP))))
    translated = item.translation
    if lang == "en" and translated:
        from .document import read
        parts.append(read(translated).body.strip() + "\n\n")
    elif lang == "en":
        parts.append(_admonition("note", t(lang, "untranslated_title"), t(lang, "untranslated_note")))
        parts.append(f'<div lang="zh-Hans" markdown>\n\n{m.summary}\n\n{_fill_body(item, lang).strip()}\n\n</div>\n\n')
    else:
        parts.append(_fill_body(item, lang).strip() + "\n\n")
    parts.append(help_box(item.src_uri, lang))
    return "".join(parts)


# --------------------------------------------------------------------------- index pages

def _lesson_rows(lessons: list[Item], from_uri: str, lang: str, with_grade: bool = False, numbered: bool = False) -> str:
    head = (["#"] if numbered else []) + ([t(lang, "grade")] if with_grade else []) + [t(lang, "weeks"), t(lang, "lesson"), t(lang, "topics"), t(lang, "moment")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, i in enumerate(lessons, start=1):
        m = i.meta
        cells = ([str(n)] if numbered else []) + ([data.label("grades", m.grade, lang)] if with_grade else []) + [
            _weeks(m.weeks, lang), f"[{title_of(i, lang)}]({rel(from_uri, i.src_uri)})",
            "、".join(data.label("topics", c, lang) for c in m.topics),
            data.label("moments", m.moment, lang) if m.moment else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n"


def grade_page(lib: Library, grade: int, lang: str) -> str:
    uri = grade_uri(grade)
    name = data.label("grades", grade, lang)
    parts = [_front({"title": name}), f"# {t(lang, 'lessons_in_grade', grade=name)}\n\n"]
    for sem in data.vocabularies()["semesters"]:
        lessons = lib.semester_lessons(grade, sem)
        parts.append(f"## {data.label('semesters', sem, lang)}\n\n")
        overview = lib.overview(grade, sem)
        if overview:
            parts.append(f"[{title_of(overview, lang)}]({rel(uri, overview.src_uri)})\n\n")
        parts.append(_lesson_rows(lessons, uri, lang) if lessons else t(lang, "none_yet") + "\n\n")
    return "".join(parts)


def lessons_index(lib: Library, lang: str) -> str:
    uri = "lessons/index.md"
    title = t(lang, "all_lessons")
    sems = list(data.vocabularies()["semesters"])
    parts = [_front({"title": title}), f"# {title}\n\n", f"## {t(lang, 'by_grade')}\n\n"]
    head = [t(lang, "stage"), t(lang, "grade")] + [data.label("semesters", s, lang) for s in sems]
    parts.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
    for stage, st in data.vocabularies()["stages"].items():
        for g in st["grades"]:
            counts = [str(sum(1 for i in lib.lessons if i.meta.grade == g and i.meta.semester == s)) for s in sems]
            parts.append(f"| {data.label('stages', stage, lang)} | [{data.label('grades', g, lang)}]({rel(uri, grade_uri(g))}) | " + " | ".join(counts) + " |\n")
    parts.append(f"\n## {t(lang, 'by_topic')}\n\n")
    for code in data.vocabularies()["topics"]:
        n = sum(1 for i in lib.lessons if code in i.meta.topics)
        parts.append(f"- [{data.label('topics', code, lang)}]({rel(uri, topic_uri(code))})（{n}）\n" if lang == "zh"
                     else f"- [{data.label('topics', code, lang)}]({rel(uri, topic_uri(code))}) ({n})\n")
    return "".join(parts)


def topics_index(lib: Library, lang: str) -> str:
    uri = "topics/index.md"
    title = t(lang, "by_topic")
    parts = [_front({"title": title}), f"# {title}\n\n"]
    head = [t(lang, "topics")] + [data.label("stages", s, lang) for s in data.vocabularies()["stages"]]
    parts.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
    for code in data.vocabularies()["topics"]:
        cells = [str(sum(1 for i in lib.lessons if code in i.meta.topics and i.meta.grade in st["grades"]))
                 for st in data.vocabularies()["stages"].values()]
        parts.append(f"| [{data.label('topics', code, lang)}]({rel(uri, topic_uri(code))}) | " + " | ".join(cells) + " |\n")
    return "".join(parts)


def topic_page(lib: Library, code: str, lang: str) -> str:
    uri = topic_uri(code)
    title = data.label("topics", code, lang)
    lessons = [i for i in lib.lessons if code in i.meta.topics]
    parts = [_front({"title": title}), f"# {title}\n\n", f"## {t(lang, 'lessons_of_topic')}\n\n"]
    parts.append(_lesson_rows(lessons, uri, lang, with_grade=True) if lessons else t(lang, "none_yet") + "\n")
    return "".join(parts)


def generated_index_pages(lib: Library) -> dict[str, callable]:
    """Docs-space path → function(lang) for every index page generated from front matter."""
    pages = {"lessons/index.md": lambda lang: lessons_index(lib, lang),
             "topics/index.md": lambda lang: topics_index(lib, lang)}
    for g in data.vocabularies()["grades"]:
        pages[grade_uri(g)] = lambda lang, g=g: grade_page(lib, g, lang)
    for code in data.vocabularies()["topics"]:
        pages[topic_uri(code)] = lambda lang, code=code: topic_page(lib, code, lang)
    return pages


def generated_pages(lib: Library, lang: str) -> dict[str, str]:
    """Every generated page for `lang`: docs-space path → Markdown."""
    pages = {uri: fn(lang) for uri, fn in generated_index_pages(lib).items()}
    for item in lib.items:
        pages[item.src_uri] = render_item(item, lang, lib)
    return pages


# --------------------------------------------------------------------------- embedded lists

def contacts_table(lang: str) -> str:
    """The help page's list of services, from data/contacts.yml (verified details only)."""
    kinds = {"emergency": ("紧急情况", "Emergencies"), "hotline": ("热线电话", "Helplines"), "online": ("在线平台", "Online"),
             "district": ("区级服务", "District services"), "hospital": ("专业医疗机构（转介）", "Hospitals (referral)")}
    out = []
    for kind, (zh, en) in kinds.items():
        entries = [c for c in data.contacts() if c["kind"] == kind]
        if not entries:
            continue
        out.append(f"### {zh if lang == 'zh' else en}\n")
        for c in entries:
            name = c["name"][lang]
            details = []
            if c.get("verified"):
                for key in ("phone", "email", "url"):
                    if c.get(key):
                        details.append(f"**{c[key]}**")
            for key in ("use", "services", "hours"):
                if c.get(key):
                    details.append(c[key][lang])
            if not c.get("verified") and c.get("pending"):
                details.append(("（" + c["pending"][lang] + "）") if lang == "zh" else f"({c['pending'][lang]})")
            out.append(f"- **{name}**" + ("：" if lang == "zh" else ": ") + ("；" if lang == "zh" else "; ").join(details))
        out.append("")
    return "\n".join(out) + "\n"


def item_list(items: list[Item], from_uri: str, lang: str) -> str:
    out = []
    for i in items:
        out.append(f"- [{title_of(i, lang)}]({rel(from_uri, i.src_uri)})" + ("：" if lang == "zh" else " — ") + i.meta.summary)
    return "\n".join(out) + "\n" if out else t(lang, "none_yet") + "\n"


def requirement_list(lib: Library, page_uri: str, lang: str) -> str:
    """Each requirement of the catalogue with its clause, phrase and the items that serve it."""
    out = []
    for r in data.requirements():
        out.append(f"### {r['id']}\n")
        out.append(f"**{r['clause']}** 「{r['phrase']}」 — {r['summary'][lang]}\n")
        serving = [i for i in lib.lessons + lib.parents + lib.training if r["id"] in i.meta.requirements]
        label = "本库中对应的内容" if lang == "zh" else "Served in this library by"
        if serving:
            links = "、".join(f"[{title_of(i, lang)}]({rel(page_uri, i.src_uri)})" for i in serving)
            out.append(f"{label}：{links}\n" if lang == "zh" else f"{label}: {links}\n")
        else:
            out.append("本库中暂无对应内容。\n" if lang == "zh" else "Nothing in the library serves it yet.\n")
    return "\n".join(out) + "\n"


def schema_tables(lang: str) -> str:
    """The front-matter fields of each content kind, from the pydantic models."""
    from .model import REQUIRED_SECTIONS, SCHEMAS
    names = {"lesson": ("教案", "Lesson"), "parent": ("家长模块", "Parent module"), "training": ("培训单元", "Training unit"),
             "overview": ("学期概览（lessons/grade-NN/semester-autumn.md）", "Semester overview (lessons/grade-NN/semester-autumn.md)")}
    out = []
    for kind, model in SCHEMAS.items():
        out.append(f"### {names[kind][0 if lang == 'zh' else 1]}\n")
        out.append("| field | required | meaning |\n|---|---|---|")
        for name, f in model.model_fields.items():
            out.append(f"| `{f.alias or name}` | {'yes' if f.is_required() else ''} | {f.description or ''} |")
        sections = " → ".join(f"`## {s}`" for s in REQUIRED_SECTIONS[kind])
        out.append("\n" + ("必需的二级标题（按顺序）：" if lang == "zh" else "Required level-2 sections, in order: ") + sections + "\n")
    return "\n".join(out) + "\n"


def vocabulary_tables(lang: str) -> str:
    out = []
    for name, entries in data.vocabularies().items():
        if name == "grades":
            continue
        out.append(f"**`{name}`**: " + ", ".join(f"`{code}` {e.get(lang, '') if isinstance(e, dict) else ''}".strip()
                                                for code, e in entries.items()) + "\n")
    return "\n".join(out) + "\n"


def markers(lib: Library, page_uri: str, lang: str) -> dict[str, str]:
    """Replacements for `<!-- xinyu:NAME -->` markers in hand-written pages."""
    return {
        "contacts": contacts_table(lang),
        "parent-modules": item_list(lib.parents, page_uri, lang),
        "training-units": item_list(lib.training, page_uri, lang),
        "requirements": requirement_list(lib, page_uri, lang),
        "schema": schema_tables(lang),
        "vocabularies": vocabulary_tables(lang),
    }


def fill_markers(markdown: str, lib: Library, page_uri: str, lang: str) -> str:
    found = re.findall(r"<!--\s*xinyu:([\w-]+)\s*-->", markdown)
    if not found:
        return markdown
    table = markers(lib, page_uri, lang)
    for name in found:
        if name not in table:
            raise KeyError(f"{page_uri}: unknown marker <!-- xinyu:{name} --> (known: {', '.join(table)})")
        markdown = re.sub(rf"<!--\s*xinyu:{name}\s*-->", lambda _m, v=table[name]: v, markdown)
    return markdown
