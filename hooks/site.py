"""The MkDocs side of 心育资源库: a thin layer that places what xinyu generates.

- on_config:   read and check the content once per `mkdocs build`; errors stop the build.
- on_files:    add the generated lesson, parent, training and index pages for the language
               being built (runs after mkdocs-static-i18n, which builds each language in turn).
- on_page_markdown: fill `<!-- xinyu:NAME -->` markers in hand-written pages.
- on_nav:      order the top level and name sections in the reader's language.
- on_page_context: hand each rendered page to search (Material's own index is switched off).
- on_post_page / on_post_build: per-language search index and worker (see xinyu.search).

XINYU_DEV=1 (set by scripts/serve.sh, with `mkdocs serve --dirty`): the development build. Files
whose modification time and size are unchanged are not read again, and only changed items are
checked again (xinyu.content.load, xinyu.checks.check caches); only pages whose Markdown
changed are rendered again; the search index is written by the first build only; the Word files,
学习单 and 课件 are made in the background after each build (from the export cache), never waited for.
The full strict build (CI, the bundle) is unchanged.
"""
from __future__ import annotations

import atexit
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.nav import Section
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xinyu import checkcache, checks, content, data, export, offline, planner, profile, search, site, thisweek  # noqa: E402

log = logging.getLogger("mkdocs.hooks.xinyu")
STATE: dict = {}
DEV = os.environ.get("XINYU_DEV") == "1"


class _DirtyNotice(logging.Filter):
    """The development build is dirty on purpose; MkDocs's warning about it would fail --strict."""
    def filter(self, record):
        return "'dirty' build" not in record.getMessage()


if DEV:
    logging.getLogger("mkdocs.commands.build").addFilter(_DirtyNotice())


def _i18n(config):
    return config.plugins["i18n"]


def _lang(config) -> str:
    return _i18n(config).current_language


def on_config(config):
    if _i18n(config).building:      # a later language of the same build: content already read
        return config
    data.reload()                   # mkdocs serve: pick up edits to data/ since the last build
    dev = STATE.setdefault("dev", {"items": {}, "checks": {}, "pages": {}, "builds": 0}) if DEV else None
    try:
        school = data.profile()     # SCHOOL=path/to/school.yml: the school's edition
    except profile.ProfileError as exc:
        raise PluginError(f"the school profile cannot be used; nothing was built:\n{exc}") from None
    full = content.load(reuse=dev["items"] if DEV else None)
    if DEV:
        problems = checks.check(full, item_cache=dev["checks"])
    else:                           # the second build of CI and the bundle finds the findings kept
        problems = checkcache.check(full, checks.check)
    if school is not None:
        problems += profile.plan_problems(school, full)
    errors = [p for p in problems if p.level == "error"]
    for p in problems:
        if p.level != "error":
            log.info("content warning: %s", p)
    if errors:
        raise PluginError("the content checker found %d error(s):\n%s\nRun `python scripts/check.py` for the full report."
                          % (len(errors), "\n".join(str(p) for p in errors)))
    lib = profile.restrict(full, school)            # the school's grades (and parent modules) only
    STATE["absent"] = profile.absent_pages(full, lib)
    if school is not None:
        _school_name(config, school)
    lib.downloads = os.environ.get("XINYU_DOWNLOADS", "1") != "0"   # 0: build without Word files (benchmark)
    STATE["lib"] = lib
    if DEV:
        job = STATE.get("export")
        if job is not None and job.poll() is None:
            job.kill()              # a save while Word files are made: this build first, they after it
        STATE["shared"] = export.download_uris(lib) if lib.downloads else []
    else:
        _start_exports(lib)
    try:
        STATE["pages"] = {lang: site.generated_pages(lib, lang, problems) for lang in site.LANGS}
        STATE["downloads"] = site.generated_downloads(lib)
        STATE["downloads"].update(site.drawing_files(lib))
        STATE["this_week"] = thisweek.build(lib)
    except planner.PlanError as exc:
        where = f"{school.path}:{school.line('calendar')}: " if school else ""
        raise PluginError(f"{where}the semester planner cannot plan the library on the {'school' if school else 'default'} calendar: {exc}") from None
    STATE["untranslated"] = set()
    STATE["search"] = {lang: [] for lang in site.LANGS}
    return config


def _school_name(config, school) -> None:
    """The school's name in the header of both languages."""
    config.site_name = f"{school.name['zh']} · {config.site_name}"
    for language in _i18n(config).config.languages:
        if language.locale != "zh":
            language.site_name = f"{school.name['en']} · {language.site_name or config.site_name}"


def _start_exports(lib) -> None:
    """Word files and semester packs are made by a second process (`python -m xinyu.export`)
    while MkDocs builds both languages (the machine has two cores), and copied into the site at
    the end. Pages link to them through `xinyu-download:` addresses, made relative as each page
    is written."""
    _stop_exports()        # mkdocs serve: a previous build that failed may have left one running
    STATE["shared"] = export.download_uris(lib) if lib.downloads else []
    if not lib.downloads:
        return
    STATE["export_dir"] = tempfile.mkdtemp(prefix="xinyu-downloads-")
    STATE["export"] = subprocess.Popen([sys.executable, "-m", "xinyu.export", STATE["export_dir"]], cwd=str(ROOT),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _dev_exports(site_dir: Path) -> None:
    """Development build: the Word files, 学习单 and 课件 are written into the served site by a
    background process at low priority (the export cache makes only what changed); a save while
    it runs asks for one more run after it, never for a wait."""
    STATE["dev_export_wanted"] = str(site_dir)
    thread = STATE.get("dev_export_thread")
    if thread is None or not thread.is_alive():
        STATE["dev_export_thread"] = threading.Thread(target=_dev_export_loop, daemon=True)
        STATE["dev_export_thread"].start()


DEV_EXPORT_QUIET = 5.0     # seconds without a rebuild before the background export starts


def _dev_export_loop() -> None:
    while STATE.get("dev_export_wanted"):
        # Saves often come in bursts: wait for a quiet moment, so a save never waits for Word.
        while time.monotonic() - STATE.get("dev_last_build", 0) < DEV_EXPORT_QUIET:
            time.sleep(0.5)
        out = STATE.pop("dev_export_wanted")
        job = subprocess.Popen([sys.executable, "-m", "xinyu.export", out], cwd=str(ROOT), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.nice(10))
        STATE["export"] = job
        _, err = job.communicate()
        if job.returncode not in (0, -9):     # not a warning: it would count against the next --strict build
            lines = (err or "").strip().splitlines()
            sys.stderr.write(f"ERROR   -  making the Word files failed (they stay as they were): {lines[-1] if lines else job.returncode}\n")
        else:
            log.info("Word files, 学习单 and 课件 are up to date")


def _finish_exports(site_dir: Path) -> None:
    job = STATE.pop("export", None)
    if job is None:
        return
    try:
        out, err = job.communicate()
        if job.returncode != 0:
            raise PluginError(f"making the Word files failed:\n{err.strip() or out.strip()}")
        missing = [u for u in STATE["shared"] if not os.path.exists(os.path.join(STATE["export_dir"], u))]
        if missing:
            raise PluginError(f"the content changed while the site was being built ({missing[0]} was not made); build again")
        for uri in STATE["shared"]:
            target = site_dir / uri
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(os.path.join(STATE["export_dir"], uri), target)
    finally:
        shutil.rmtree(STATE.pop("export_dir"), ignore_errors=True)


def _stop_exports() -> None:
    """A build that stops early (an error, Ctrl+C) leaves no export process and no temp folder."""
    job = STATE.pop("export", None)
    if job is not None and job.poll() is None:
        job.kill()
        job.communicate()
    if STATE.get("export_dir"):
        shutil.rmtree(STATE.pop("export_dir"), ignore_errors=True)


atexit.register(_stop_exports)


def on_build_error(error):
    _stop_exports()


def _dest(uri: str, lang: str, config) -> str:
    f = File(uri, None, config.site_dir, config.use_directory_urls)
    return f.dest_uri if lang == "zh" else f"{lang}/{f.dest_uri}"


@event_priority(-200)   # after mkdocs-static-i18n (-100) has laid out this language's files
def on_files(files, config):
    lang = _lang(config)
    lib = STATE["lib"]
    made = {}
    seen = STATE["dev"]["pages"] if DEV else None
    for uri, markdown in STATE["pages"][lang].items():
        f = File.generated(config, uri, content=markdown)
        f.dest_uri = _dest(uri, lang, config)
        item = lib.at(uri)
        translated = item is None or lang == "zh" or item.translation is not None
        if not translated:
            STATE["untranslated"].add(f.url)
        f.locale = lang if translated else "zh"
        f.locale_alternate_of = lang
        f.localization = None if lang == "zh" else lang
        f.norm_src_uri = uri
        if seen is not None:        # development build: render again only pages whose Markdown changed
            digest = hash(markdown)
            if seen.get((lang, uri)) == digest and os.path.exists(os.path.join(config.site_dir, f.dest_uri)):
                f.is_modified = lambda: False
            seen[(lang, uri)] = digest
        made[uri] = f
        files.append(f)
    downloads = dict(STATE["downloads"])
    downloads[thisweek.DATA_URI] = thisweek.script(STATE["this_week"], config.use_directory_urls)
    for uri, payload in downloads.items():
        f = File.generated(config, uri, content=payload)
        f.dest_uri = _dest(uri, lang, config)
        files.append(f)
    if seen is not None:           # hand-written pages that embed generated lists: always again
        for f in files.documentation_pages():
            if f.abs_src_path and f.generated_by is None and _has_markers(f.abs_src_path):
                f.is_modified = lambda: True
    for uri, f in made.items():
        f.alternates = {}
        for other in site.LANGS:
            alt = f if other == lang else File(uri, None, config.site_dir, config.use_directory_urls, dest_uri=_dest(uri, other, config))
            f.alternates[other] = alt
    return files


class _KeptTemplates(jinja2.BytecodeCache):
    """Development build: the theme's compiled templates kept between rebuilds (MkDocs makes a
    new template environment for each rebuild and would compile them all again)."""

    def __init__(self):
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket):
        self.kept[bucket.key] = bucket.bytecode_to_string()


def on_env(env, config, files):
    if DEV:
        env.bytecode_cache = STATE.setdefault("templates", _KeptTemplates())
    return env


def _has_markers(path: str) -> bool:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return re.search(r"<!--\s*xinyu:", fh.read()) is not None


def on_page_markdown(markdown, page, config, files):
    uri = getattr(page.file, "norm_src_uri", page.file.src_uri)
    try:
        markdown = site.fill_markers(markdown, STATE["lib"], uri, _lang(config))
        return site.unlink_absent(markdown, uri, STATE["absent"]) if STATE["absent"] else markdown
    except KeyError as exc:
        raise PluginError(str(exc)) from None


def on_nav(nav, config, files):
    lang = _lang(config)
    for item in nav.items:
        _name_section(item, lang, depth=1)
    order = data.site()["order"]
    rank = lambda i: order.index(_key(i, 1)) if _key(i, 1) in order else len(order)
    nav.items.sort(key=rank)
    # Lessons within a grade in teaching order (semester, then week), the grade page first;
    # other folders in the order data/site.yml gives.
    lesson_rank = {i.src_uri: n for n, i in enumerate(STATE["lib"].lessons)}
    for section in _sections(nav.items):
        section.children.sort(key=lambda c: -1 if isinstance(c, Section) or c.is_index
                              else lesson_rank.get(_key(c, 0), len(lesson_rank)))
    folder_order = data.site().get("section_order", {})
    for section in _sections(nav.items):
        names = folder_order.get(_key(section, 1))
        if names:
            rank = lambda c: names.index(posixpath.basename(_key(c, 0))) if posixpath.basename(_key(c, 0)) in names else len(names)
            section.children.sort(key=rank)
    # A parent module's session plan and handout are reached from its page, not from the menu.
    for section in _sections(nav.items):
        section.children = [c for c in section.children
                            if not re.search(r"-(session|handout)\.md$", _key(c, 0) if not isinstance(c, Section) else "")]
    # Re-link previous/next in the new order.
    nav.pages = _flat_pages(nav.items)
    for prev, page in zip([None] + nav.pages[:-1], nav.pages):
        page.previous_page = prev
        if prev:
            prev.next_page = page
    if nav.pages:
        nav.pages[-1].next_page = None
    return nav


def _sections(items):
    for item in items:
        if isinstance(item, Section):
            yield item
            yield from _sections(item.children)


def _flat_pages(items):
    pages = []
    for item in items:
        if isinstance(item, Section):
            pages += _flat_pages(item.children)
        elif getattr(item, "file", None):
            pages.append(item)
    return pages


def _first_file(item):
    if isinstance(item, Section):
        return next((f for f in map(_first_file, item.children) if f), None)
    return getattr(item, "file", None)


def _key(item, depth: int) -> str:
    """A page's docs-space path, or a section's folder ("lessons/grade-07/")."""
    f = _first_file(item)
    if f is None:
        return ""
    uri = getattr(f, "norm_src_uri", f.src_uri)
    return "/".join(uri.split("/")[:depth]) + "/" if isinstance(item, Section) else uri


def _name_section(item, lang: str, depth: int) -> None:
    if not isinstance(item, Section):
        return
    item.title = data.section_title(_key(item, depth), lang) or item.title
    for child in item.children:
        _name_section(child, lang, depth + 1)


@event_priority(50)    # before Material's search plugin, whose lunr index this replaces
def on_page_context(context, page, config, nav):
    lang = _lang(config)
    page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    uri = getattr(page.file, "norm_src_uri", None) or re.sub(r"\.[a-z]{2}\.md$", ".md", page.file.src_uri)
    url = page.url[len(lang) + 1:] if lang != "zh" and page.url.startswith(f"{lang}/") else page.url
    if uri != "404.md" and not (DEV and STATE["dev"]["builds"]):   # development: the first build's index only
        STATE["search"][lang].append(search.describe(uri, url, page.title or "", page.content or "", STATE["lib"], lang,
                                                     site.strings()[lang]))
    return context


def on_post_page(output, page, config):
    output = site.DOWNLOAD.sub(lambda m: f'{m.group(1)}="{get_relative_url(m.group(2), page.url)}"', output)
    worker = get_relative_url(search.WORKER, page.url)
    return offline.compact_html(search.localise_config(site.link_phones(output), _lang(config), worker=worker))


@event_priority(-200)   # after i18n has merged the languages and the plugins have written their files
def on_post_build(config):
    if _i18n(config).building:
        return
    site_dir = Path(config.site_dir)
    offline_build = config.plugins["material/offline"].config.enabled
    if not (DEV and STATE["dev"]["builds"]):
        for lang in site.LANGS:
            files = search.build_cached(STATE["search"][lang], lang, site.strings()[lang], ROOT / ".cache" / "search")
            search.write(site_dir, lang, site.LANGS[0], files, offline=offline_build)
    offline.neutralise_loaders(site_dir)
    offline.remove_lunr(site_dir)
    offline.remove_sitemaps(site_dir)
    if DEV:
        STATE["dev"]["builds"] += 1
        STATE["dev_last_build"] = time.monotonic()
        if STATE["lib"].downloads:
            _dev_exports(site_dir)
    else:
        _finish_exports(site_dir)
