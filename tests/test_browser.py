"""The built site in a real browser (Debian's Chromium through Playwright): Chinese and English
search in the reader's language, over HTTP and from disk, with no request leaving the machine."""
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from browser import ARGS, CHROMIUM, search, serve


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


def only_local(urls):
    return [u for u in urls if urlparse(u).scheme not in ("file", "data", "blob", "about")
            and urlparse(u).hostname not in ("127.0.0.1", "localhost")]


@pytest.mark.parametrize("query", ["入学适应", "适应"])
def test_chinese_search_finds_the_enrolment_lessons_over_http(built_site, page, query):
    site, _ = built_site
    with serve(site) as base:
        page.goto(base)
        links = search(page, query)
        for lesson in ("g01-au-hello-school", "g07-au-hello-junior-high", "g10-au-new-start-senior"):
            assert any(lesson in l for l in links), (query, lesson, links)
        assert not any("/en/" in l for l in links), links
        assert only_local(page.requests) == []


def test_english_search_returns_english_pages(built_site, page):
    site, _ = built_site
    with serve(site) as base:
        page.goto(base + "en/")
        links = search(page, "help")
        assert links and all("/en/" in l for l in links), links
        assert any(l.rstrip("/").endswith("/en/help") or "/en/help/" in l for l in links), links
        # and an untranslated lesson is found by its English title
        links = search(page, "kaleidoscope")
        assert any("/en/lessons/grade-05/g05-sp-job-kaleidoscope/" in l for l in links), links
        assert only_local(page.requests) == []


def test_offline_build_searches_from_disk(offline_site, page):
    site, _ = offline_site
    page.goto((site / "index.html").as_uri())
    links = search(page, "入学适应")
    assert any("g07-au-hello-junior-high.html" in l for l in links), links
    assert all(l.startswith("file://") for l in links)
    page.goto((site / "en" / "index.html").as_uri())
    links = search(page, "help")
    assert links and all("/en/" in l for l in links), links
    assert only_local(page.requests) == []


# ----------------------------------------------------------------------- issue 4: the browser suite

import re  # noqa: E402
import unicodedata  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from conftest import ROOT  # noqa: E402
from xinyu import content  # noqa: E402

LIB = content.load()
LESSON = LIB.get("g07-au-hello-junior-high")
PARENT = LIB.parents[0]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def url_of(uri: str, lang: str = "zh") -> str:
    path = uri[:-3]
    path = path[:-5] if path.endswith("index") else path + "/"
    return ("" if lang == "zh" else "en/") + path


@pytest.fixture(scope="module")
def server(built_site):
    site, _ = built_site
    with serve(site) as base:
        yield base


def test_language_switcher_goes_to_the_same_page_and_back(server, page):
    page.goto(server + url_of(LESSON.src_uri))
    page.locator(".md-header__option .md-select").hover()
    page.locator('a.md-select__link[hreflang="en"]').click()
    page.wait_for_load_state()
    assert page.url == server + url_of(LESSON.src_uri, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".md-header__option .md-select").hover()
    page.locator('a.md-select__link[hreflang="zh"]').click()
    page.wait_for_load_state()
    assert page.url == server + url_of(LESSON.src_uri)
    assert page.locator("html").get_attribute("lang") == "zh"
    assert only_local(page.requests) == []


@pytest.mark.parametrize("uri", [LESSON.src_uri, PARENT.src_uri, "help.md", "coverage.md", "plans/grade-08.md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_render_without_console_errors(server, page, uri, lang):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + url_of(uri, lang))
    page.wait_for_load_state("networkidle")
    assert page.locator("article h1").count() == 1
    assert errors == []
    assert only_local(page.requests) == []


@pytest.mark.parametrize("module", LIB.parents, ids=lambda m: m.id)
def test_parent_pages_fit_a_phone(browser, server, module):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    for lang in ("zh", "en"):
        pg.goto(server + url_of(module.src_uri, lang))
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (module.id, lang, width)
    context.close()


AUDITED = ["index.md", "lessons/grade-07/index.md", LESSON.src_uri, PARENT.src_uri, "help.md", "coverage.md"]


@pytest.mark.parametrize("uri", AUDITED)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_accessibility_audit_has_no_serious_violations(server, page, uri, lang):
    assert AXE.exists(), "run `npm ci` (scripts/setup.sh does) to install axe-core for this test"
    page.goto(server + url_of(uri, lang))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], "\n".join(bad)
    assert page.evaluate("[...document.images].filter(i => !i.hasAttribute('alt')).length") == 0
    assert page.locator("html").get_attribute("lang") == lang


def test_a_lesson_prints_as_a_clean_a4_jiaoan(server, page, tmp_path):
    page.goto(server + url_of(LESSON.src_uri))
    pdf = tmp_path / "lesson.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    reader = PdfReader(str(pdf))
    assert 2 <= len(reader.pages) <= 8
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2      # A4 in points
    # Fonts map some characters to Kangxi radicals (⼀ for 一) in the PDF text: NFKC folds them back.
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)))
    fold = lambda s: re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))     # full-width punctuation too
    for words in (LESSON.meta.title, "教学目标", "教学过程", "安全提示", "家校链接"):
        assert fold(words) in text, words
    for step in LESSON.steps:
        assert fold(step.name) in text
    for chrome in ("按主题浏览", "学期计划", "搜索"):           # navigation, search box
        assert chrome not in text, chrome


def test_one_worksheet_prints_alone_on_one_a4_page(server, page, tmp_path):
    """“打印这张学习单” prints that card alone: one A4 page with its title and prompts."""
    lesson = LIB.get("g08-au-anger-pause")
    page.goto(server + url_of(lesson.src_uri))
    cards = page.locator("section.xy-ws")
    assert cards.count() == len(lesson.worksheets) >= 2
    # The button's handler adds the print classes and calls window.print(); headless Chromium
    # has no print dialog, so print() is replaced and the PDF made with the classes in place.
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("#worksheet-2 .xy-ws-print").click()
    assert page.evaluate("window.__printed === true")
    assert page.evaluate("document.documentElement.classList.contains('xy-print-one')")
    pdf = tmp_path / "worksheet.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", reader.pages[0].extract_text()))
    fold = lambda s: re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))
    ws = lesson.worksheets[1]
    assert fold(ws.title) in text
    for item in ws.items:
        assert fold(item.prompt or item.text)[:12] in text
    for other in (lesson.worksheets[0].title, "教学过程", "安全提示"):
        assert fold(other) not in text, other
    # After printing, the page is whole again; printed in full, every card starts its own page.
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not page.evaluate("document.documentElement.classList.contains('xy-print-one')")


def test_a_grade_one_worksheet_prints_with_its_drawing_on_one_page(server, page, tmp_path):
    lesson = LIB.get("g01-sp-caterpillar-grows")
    page.goto(server + url_of(lesson.src_uri))
    card = page.locator("#worksheet-1")
    images = card.locator("img")
    assert images.count() == sum(1 for it in lesson.worksheets[0].items if it.drawing) >= 1
    page.wait_for_function("[...document.querySelectorAll('#worksheet-1 img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("#worksheet-1 ruby rt").count() >= 1           # 拼音 over new characters
    page.evaluate("window.print = () => {}")
    page.locator("#worksheet-1 .xy-ws-print").click()
    pdf = tmp_path / "young.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    assert "/XObject" in str(reader.pages[0]["/Resources"])              # the drawing is on the page
