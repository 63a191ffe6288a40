"""The real site: strict builds of both languages and the offline build, their pages, search
indexes, links and the absence of anything external."""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT
from sitebuild import build
from xinyu import content, data

LIB = content.load()
LESSONS = LIB.lessons


def page(site: Path, uri: str, lang: str = "zh", offline: bool = False) -> Path:
    """The built HTML file of a docs-space page."""
    stem = uri[:-3]
    if offline:
        rel = f"{stem}.html"
    else:
        rel = f"{stem[:-5]}index.html" if stem.endswith("index") else f"{stem}/index.html"
    return site / (rel if lang == "zh" else f"en/{rel}")


def html(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_strict_build_has_no_warnings(built_site):
    _, log = built_site
    assert "WARNING" not in log and "ERROR" not in log, log


def test_every_item_has_a_page_in_both_languages(built_site):
    site, _ = built_site
    for item in LIB.items:
        for lang in ("zh", "en"):
            assert page(site, item.src_uri, lang).exists(), (item.id, lang)


def test_language_attributes(built_site):
    site, _ = built_site
    assert '<html lang="zh"' in html(site / "index.html")
    assert '<html lang="en"' in html(site / "en/index.html")
    lesson = html(page(site, LESSONS[0].src_uri, "en"))
    assert '<html lang="en"' in lesson and 'lang="zh-Hans"' in lesson


def test_untranslated_lesson_says_so_in_english(built_site):
    site, _ = built_site
    text = html(page(site, LESSONS[0].src_uri, "en"))
    assert "Shown in Chinese" in text and "has not been translated into English yet" in text
    assert LESSONS[0].meta.title in text


def test_every_lesson_is_on_its_grade_page_and_topic_pages(built_site):
    site, _ = built_site
    for lang in ("zh", "en"):
        for lesson in LESSONS:
            slug = f"{lesson.id}/"
            grade = html(page(site, f"lessons/grade-{lesson.meta.grade:02d}/index.md", lang))
            assert f'href="{slug}"' in grade, (lesson.id, lang)
            for topic in lesson.meta.topics:
                topic_html = html(page(site, f"topics/{topic}.md", lang))
                assert f"lessons/grade-{lesson.meta.grade:02d}/{lesson.id}/" in topic_html, (lesson.id, topic, lang)


def test_grade_page_groups_by_semester(built_site):
    site, _ = built_site
    text = html(page(site, "lessons/grade-07/index.md"))
    text = text[text.index("<article"):]
    autumn, spring = text.index("秋季学期"), text.index("春季学期")
    for lesson in (l for l in LESSONS if l.meta.grade == 7):
        pos = text.index(f'href="{lesson.id}/"')
        assert (autumn < pos < spring) if lesson.meta.semester == "autumn" else pos > spring


def test_chinese_headings_get_readable_anchors(built_site):
    site, _ = built_site
    text = html(page(site, LESSONS[0].src_uri))
    assert 'id="教学过程"' in text and 'id="安全提示"' in text
    assert not re.search(r'id="_\d+"', text)


def test_help_page_lists_only_verified_details(built_site):
    site, _ = built_site
    from bs4 import BeautifulSoup
    text = BeautifulSoup(html(site / "help/index.html"), "lxml").get_text()     # numbers are tel: links
    for contact in data.contacts():
        assert contact["name"]["zh"] in text
        if not contact.get("verified"):
            assert "待" in text  # pending entries say their details are still to be confirmed
    assert "12355" in text and "12356" in text
    assert "24小时" not in text.split("12356")[1][:200], "12356 must not be called a 24-hour line"


def test_sensitive_lessons_link_help_and_every_lesson_has_help_box(built_site):
    site, _ = built_site
    for lesson in LESSONS:
        text = html(page(site, lesson.src_uri))
        assert 'href="../../../help/"' in text, lesson.id
        assert "需要帮助？" in text, lesson.id


# ----------------------------------------------------------------------- search

def index(site: Path, lang: str) -> dict:
    path = site / ("search" if lang == "zh" else "en/search") / "search_index.json"
    return json.loads(path.read_text(encoding="utf-8"))


def folder(site: Path, lang: str) -> Path:
    return site / ("search" if lang == "zh" else "en/search")


def postings(site: Path, lang: str, term: str) -> dict[int, int]:
    """Page number → score for one term, read from its shard as the worker reads it."""
    from xinyu.search import fnv, shard_key
    k = fnv(shard_key(term)) % index(site, lang)["config"]["xy"]["shards"]
    text = (folder(site, lang) / "shards" / f"{k}.js").read_text(encoding="utf-8")
    flat = json.loads(text[text.index(",") + 1:text.rindex(")")]).get(term, [])
    out, doc = {}, 0
    for i in range(0, len(flat), 2):
        doc += flat[i]
        out[doc] = flat[i + 1]
    return out


def test_search_index_is_split_by_language(built_site):
    site, _ = built_site
    zh, en = index(site, "zh"), index(site, "en")
    assert not any(d[0].startswith("en/") for d in zh["docs"]) and not any(d[0].startswith("en/") for d in en["docs"])
    zh_titles, en_titles = {d[1] for d in zh["docs"]}, {d[1] for d in en["docs"]}
    assert "Getting help" in en_titles and "Getting help" not in zh_titles
    assert "求助资源" in zh_titles
    # every page of each language, once
    for lang, idx in (("zh", zh), ("en", en)):
        pages = [p for p in site.rglob("index.html") if p.relative_to(site).as_posix().startswith("en/") == (lang == "en")]
        assert len(idx["docs"]) == len({d[0] for d in idx["docs"]}) == len(pages), lang


def test_every_section_of_every_lesson_is_searchable(built_site):
    """Worksheets, plan B, follow-up, 家校链接 and safety notes are in the index (no search_exclude):
    every word of those sections, as the page shows them, leads to the lesson."""
    site, _ = built_site
    from xinyu import search
    stop = frozenset(w for words in search.vocabulary()["stopwords"].values() for w in words)
    zh = index(site, "zh")
    lesson = next(l for l in LESSONS if l.format == 2 and l.worksheets)
    url = f"lessons/grade-{lesson.meta.grade:02d}/{lesson.id}/"
    n = next(i for i, d in enumerate(zh["docs"]) if d[0] == url)
    content = re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', html(site / url / "index.html"), re.S).group(1)
    sections = {heading: text for _, heading, text in search.sections_of(content)}
    wanted = ["家校链接", "安全提示", "差异化与备用方案"] + [h for h in sections if h.startswith("学习单")][:1]
    for heading in wanted:
        words = set(search.terms(sections[heading], stop))
        assert len(words) > 5, heading
        missing = [t for t in words if n not in postings(site, "zh", t)]
        assert missing == [], (heading, missing[:10])


def test_english_pages_point_search_at_the_english_index_and_our_worker(built_site):
    site, _ = built_site
    config = lambda p: json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html(p), re.S).group(1))
    assert config(site / "en/index.html")["base"] == "../en/"
    assert config(page(site, LESSONS[0].src_uri, "en"))["base"] == "../../../../en/"
    assert config(site / "index.html")["base"] == "."
    assert config(site / "index.html")["search"] == "assets/javascripts/search-worker.js"
    assert config(page(site, LESSONS[0].src_uri, "en"))["search"] == "../../../../assets/javascripts/search-worker.js"
    assert (site / "assets/javascripts/search-worker.js").exists()
    assert not (site / "assets/javascripts/lunr").exists()


def test_search_needs_only_small_files(built_site):
    """Each index file stays small, so a query fetches a few tens of KiB, not the whole index."""
    site, _ = built_site
    for lang in ("zh", "en"):
        assert (folder(site, lang) / "search_index.json").stat().st_size < 120_000
        shards = list((folder(site, lang) / "shards").glob("*.js"))
        assert len(shards) == index(site, lang)["config"]["xy"]["shards"]
        assert max(p.stat().st_size for p in shards) < 40_000
        assert max(p.stat().st_size for p in (folder(site, lang) / "frags").glob("*.js")) < 20_000


# ----------------------------------------------------------------------- nothing external

# URLs that occur as text inside vendored JavaScript (licence notes, XML namespaces, a console
# message) and are never requested by the browser. Anything else is a failure.
INERT = ("http://www.w3.org/", "https://fontawesome.com", "https://clipboardjs.com/", "https://bit.ly/2s3ChXG",
         "http://tartarus.org/", "http://lunrjs.com")


@pytest.mark.parametrize("which", ["built_site", "offline_site"])
def test_no_external_url_in_html_css_js(which, request):
    site, _ = request.getfixturevalue(which)
    found = []
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".js", ".json", ".xml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"(?:https?:)?//[a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-z]{2,}[^\s\"'<>)`]*", text):
            url = m.group(0)
            if url.startswith("//") and path.suffix == ".js":
                continue   # comment markers in minified code, not protocol-relative URLs
            if not url.startswith(INERT):
                found.append(f"{path.relative_to(site)}: {url}")
    assert not found, "\n".join(found[:20])


def test_no_web_fonts_and_local_search_shim(offline_site):
    site, _ = offline_site
    home = html(site / "index.html")
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home
    assert "assets/vendor/iframe-worker/shim.js" in home


# ----------------------------------------------------------------------- offline build

def test_offline_build_opens_from_disk(offline_site):
    site, _ = offline_site
    lesson = LESSONS[0]
    assert page(site, lesson.src_uri, offline=True).exists()
    assert page(site, lesson.src_uri, "en", offline=True).exists()
    for lang_dir in ("search", "en/search"):
        js = (site / lang_dir / "search_index.js").read_text(encoding="utf-8")
        assert js.startswith("var __index = {")
    zh = json.loads((site / "search/search_index.js").read_text(encoding="utf-8")[len("var __index = "):])
    assert not any(d[0].startswith("en/") for d in zh["docs"])
    assert any(d[0].endswith(".html") for d in zh["docs"])


@pytest.mark.parametrize("which", ["built_site", "offline_site"])
def test_linkchecker_finds_no_broken_links(which, request):
    site, _ = request.getfixturevalue(which)
    # linkchecker drops root privileges to `nobody`: check a world-readable copy.
    tmp = Path(tempfile.mkdtemp(prefix="xinyu-linkcheck-"))
    copy = tmp / "site"
    shutil.copytree(site, copy)
    for p in [tmp, copy, *copy.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    run = subprocess.run([str(Path(sys.executable).parent / "linkchecker"), "--no-status", "--check-extern",
                          "--no-warnings", "-r", "-1", str(copy / "index.html")],
                         capture_output=True, text=True, timeout=600)
    shutil.rmtree(tmp, ignore_errors=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 errors found" in run.stdout


# ----------------------------------------------------------------------- a broken lesson

def test_broken_lesson_fails_the_build_with_the_checker_message(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "site", "site-offline", ".git", ".cache", "dist", "__pycache__"))
    lesson = root / LESSONS[0].path.relative_to(ROOT)
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace(f"duration: {LESSONS[0].meta.duration}", "duration: 30", 1), encoding="utf-8")
    run = build(tmp_path / "out", root=root)
    assert run.returncode != 0
    rel = LESSONS[0].path.relative_to(ROOT).as_posix()
    assert f"{rel}:" in run.stdout + run.stderr
    assert "duration is 30 minutes" in run.stdout + run.stderr
    assert not (tmp_path / "out" / "index.html").exists()       # the checker stops the build before any page


def test_word_and_pack_downloads_are_linked_and_built(built_site):
    site, _ = built_site
    lesson = LESSONS[0]
    text = html(page(site, lesson.src_uri))
    assert f'href="../../../downloads/lessons/{lesson.id}.docx"' in text
    assert (site / "downloads/lessons" / f"{lesson.id}.docx").stat().st_size > 5000
    grade = html(page(site, f"lessons/grade-{lesson.meta.grade:02d}/index.md"))
    assert f"downloads/packs/grade-{lesson.meta.grade:02d}-{lesson.meta.semester}.zip" in grade
    assert (site / "downloads/packs" / f"grade-{lesson.meta.grade:02d}-{lesson.meta.semester}.zip").exists()
    en = html(page(site, lesson.src_uri, "en"))
    assert f'href="../../../../downloads/lessons/{lesson.id}.docx"' in en


# --------------------------------------------------------------------------- the edit loop

def _get(url: str):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError):
        return None


def _until(test, timeout: float, what: str, log):
    import time
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if test():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def test_serve_shows_a_saved_edit_makes_word_files_in_the_background_and_reports_errors_as_path_line(tmp_path):
    """scripts/serve.sh on a copy of the project: a saved lesson edit reaches the served page,
    the lesson's Word file appears without a save waiting for it, a checker error in the saved
    file is reported as path:line, and fixing it serves the fixed page. (Times are measured by scripts/benchmark.py --edit-loop.)"""
    import os
    import signal
    import socket
    import subprocess
    root = tmp_path / "project"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, files):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, root / rel)
    (root / ".venv").symlink_to((ROOT / ".venv").resolve())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    lesson = sorted((root / "lessons" / "grade-07").glob("g07-*.md"))[0]
    page = f"{base}lessons/grade-07/{lesson.stem}/"
    original = lesson.read_text(encoding="utf-8")

    def insert(text):
        lines = original.split("\n")
        first = next(n for n, line in enumerate(lines) if line.startswith("## "))
        lines[first + 1:first + 1] = ["", text]
        lesson.write_text("\n".join(lines), encoding="utf-8")

    with open(log, "w") as out:
        proc = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                env=dict(os.environ, ADDR=f"127.0.0.1:{port}"), start_new_session=True)
        try:
            _until(lambda: "Serving on" in log.read_text(errors="replace") and _get(page), 900, "the first build", log)
            insert("编辑测试一号")
            _until(lambda: "编辑测试一号" in (_get(page) or ""), 180, "the edit reaching the page", log)
            _until(lambda: _get(f"{base}downloads/lessons/{lesson.stem}.docx") is not None, 600, "the Word file", log)
            insert("TODO")
            _until(lambda: re.search(rf"lessons/grade-07/{re.escape(lesson.name)}:\d+: placeholder text left in", log.read_text(errors="replace")),
                   180, "the checker error", log)
            # (MkDocs's server holds requests while the build has errors; the open page stays as it was)
            insert("编辑测试二号")
            _until(lambda: "编辑测试二号" in (_get(page) or ""), 180, "the fixed page", log)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)

# ----------------------------------------------------------------------- issue 19

from bs4 import BeautifulSoup  # noqa: E402
import zipfile  # noqa: E402


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(html(path), "lxml")


def _article(doc):
    return doc.select_one("article")


def test_one_schedule_on_the_grade_page_lesson_pages_plan_page_and_pack(built_site):
    """Every lesson's position and suggested weeks agree on the grade page, its own page (第N课
    （共M课） and the weeks in its table), the dated plan page (its week inside the suggested
    weeks) and the semester pack (the number in front of its 教案)."""
    site, _ = built_site
    checked = 0
    for grade in data.vocabularies()["grades"]:
        gpage = _article(soup(page(site, f"lessons/grade-{grade:02d}/index.md")))
        ppage = _article(soup(page(site, f"plans/grade-{grade:02d}.md")))
        for sem in ("autumn", "spring"):
            lessons = LIB.semester_lessons(grade, sem)
            if not lessons:
                continue
            label = data.label("semesters", sem)
            # the grade page: the semester's first table, in order, with the weeks
            h2 = next(h for h in gpage.find_all("h2") if h.get_text(strip=True).startswith(label))
            rows = h2.find_next("table").select("tbody tr")
            grade_seq = [(r.select_one("a")["href"].rstrip("/").split("/")[-1], r.find_all("td")[0].get_text(strip=True)) for r in rows]
            # the plan page: the semester's table (#, week, date, lesson, suggested weeks)
            h2 = next(h for h in ppage.find_all("h2") if h.get_text(strip=True).startswith(label))
            plan_rows = h2.find_next("table").select("tbody tr")
            plan_seq = []
            for r in plan_rows:
                cells = [c.get_text(strip=True) for c in r.find_all("td")]
                plan_seq.append((r.select_one("a")["href"].rstrip("/").split("/")[-1], int(cells[0]), int(cells[1]), cells[4]))
            # the pack
            with zipfile.ZipFile(site / f"downloads/packs/grade-{grade:02d}-{sem}.zip") as z:
                pack = sorted(n for n in z.namelist() if n.startswith("教案/"))
            pack_seq = [re.match(r"教案/(\d+)-(.+)\.docx$", n).groups() for n in pack]
            assert [i for i, _ in grade_seq] == [l.id for l in lessons], (grade, sem)
            assert [p[0] for p in plan_seq] == [l.id for l in lessons], (grade, sem, "plan order")
            assert [(int(n), i) for n, i in pack_seq] == [(k, l.id) for k, l in enumerate(lessons, 1)], (grade, sem, "pack")
            for k, (lesson, (gid, gweeks), (pid, pn, pweek, pweeks)) in enumerate(zip(lessons, grade_seq, plan_seq), start=1):
                lo, hi = min(lesson.meta.weeks), max(lesson.meta.weeks)
                assert pn == k and lo <= pweek <= hi, (lesson.id, pn, pweek, lesson.meta.weeks)
                assert gweeks == pweeks, (lesson.id, gweeks, pweeks)
                card = _article(soup(page(site, lesson.src_uri))).get_text(" ", strip=True)
                assert f"第{k}课（共{len(lessons)}课）" in card, lesson.id
                assert gweeks in card, (lesson.id, gweeks)
                checked += 1
            # and no two suggested week ranges overlap
            spans = [(min(l.meta.weeks), max(l.meta.weeks)) for l in lessons]
            assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), (grade, sem, spans)
    assert checked == len(LIB.lessons)


def _english_text_outside_chinese(doc) -> str:
    """The visible text of an English page's content and chrome, without blocks marked
    lang="zh-Hans", scripts and styles."""
    for el in doc.select('[lang="zh-Hans"], script, style, noscript'):
        el.decompose()
    return doc.body.get_text("\n")


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def test_no_english_page_joins_with_chinese_punctuation(built_site):
    """“、” and “；” on English pages only inside Chinese text: a Chinese run on both sides
    (a Chinese title or a quoted Chinese phrase), never between English words or links."""
    site, _ = built_site
    bad = []
    for path in sorted((site / "en").rglob("*.html")):
        text = _english_text_outside_chinese(soup(path))
        for m in re.finditer("[、；]", text):
            before, after = text[max(0, m.start() - 1):m.start()], text[m.end():m.end() + 1]
            if not (CJK.match(before or " ") and CJK.match(after or " ")):
                bad.append(f"{path.relative_to(site)}: …{text[max(0, m.start() - 20):m.end() + 20]!r}…")
    assert bad == [], f"{len(bad)} found:\n" + "\n".join(bad[:30])


def test_every_phone_number_is_a_tel_link(built_site):
    site, _ = built_site
    numbers = [c["phone"] for c in data.contacts() if c.get("verified") and c.get("phone")]
    pattern = re.compile(r"(?<![0-9A-Za-z.:])(" + "|".join(numbers) + r")(?![0-9])")
    pages = [page(site, "help.md"), page(site, "help.md", "en"), page(site, LIB.parents[0].src_uri),
             page(site, LESSONS[0].src_uri), page(site, "parents/index.md")]
    seen = 0
    for path in pages:
        doc = soup(path)
        for a in doc.select('a[href^="tel:"]'):
            assert a["href"] == "tel:" + a.get_text(strip=True)
            a.decompose()
            seen += 1
        for el in doc.select("script, style, head, code, pre"):
            el.decompose()
        left = pattern.findall(doc.get_text(" "))
        assert left == [], (path, left)
    assert seen >= 10


def test_parent_pages_start_with_the_reading_and_name_no_requirement_codes(built_site):
    site, _ = built_site
    codes = re.compile(r"\b(" + "|".join(re.escape(r["id"]) for r in data.requirements()) + r")\b")
    for module in LIB.parents:
        for lang in ("zh", "en"):
            art = _article(soup(page(site, module.src_uri, lang)))
            text = art.get_text(" ")
            assert not codes.search(text), (module.id, lang, codes.search(text).group(0))
            first = art.find(["p", "table", "details", "div"], recursive=False)
            assert first is not None and first.name != "table", (module.id, lang)
            assert art.select_one("details") is not None     # the details, folded, after the reading


def test_lesson_page_downloads_and_breadcrumb(built_site):
    site, _ = built_site
    lesson = next(l for l in LESSONS if l.format == 2 and l.worksheets)
    art = _article(soup(page(site, lesson.src_uri)))
    crumbs = [a.get_text(strip=True) for a in art.select("nav.xy-crumbs a")]
    assert crumbs == [data.label("stages", data.stage_of_grade(lesson.meta.grade)), data.label("grades", lesson.meta.grade),
                      data.label("semesters", lesson.meta.semester)]
    buttons = [a["href"] for a in art.select("p.xy-downloads a.md-button")]
    assert any(h.endswith(f"downloads/lessons/{lesson.id}.docx") for h in buttons)
    assert sum("/worksheets/" in h or "worksheet" in h for h in buttons) == len(lesson.worksheets)
    assert any(h.endswith(".pptx") for h in buttons)
    assert any(h.endswith(f"downloads/packs/grade-{lesson.meta.grade:02d}-{lesson.meta.semester}.zip") for h in buttons)
    for h in buttons:
        assert (page(site, lesson.src_uri).parent / h).resolve().exists(), h


def test_roster_template_has_the_headers_and_a_role_drop_down(built_site):
    from openpyxl import load_workbook
    site, _ = built_site
    wb = load_workbook(site / "training/roster-template.xlsx")
    ws = wb.active
    assert [c.value for c in ws[1]] == ["姓名", "工号", "部门", "角色"]
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list" and "D2:D1000" in str(dv[0].sqref)
    assert dv[0].formula1.strip('"').split(",") == [e["zh"] for e in data.vocabularies()["roles"].values()]


def test_topic_pages_have_semester_and_stage_columns_and_a_filter(built_site):
    site, _ = built_site
    code = next(iter(data.vocabularies()["topics"]))
    art = _article(soup(page(site, f"topics/{code}.md")))
    heads = [th.get_text(strip=True) for th in art.select("table thead th")]
    assert heads[:3] == ["学段", "年级", "学期"]
    buttons = [b.get_text(strip=True) for b in art.select(".xy-filter button")]
    assert buttons == ["全部"] + [data.label("stages", s) for s in data.vocabularies()["stages"]]
