"""The built site in a real browser (Debian's Chromium through Playwright): Chinese and English
search in the reader's language, over HTTP and from disk, with no request leaving the machine."""
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import search, serve


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


AUDITED = ["index.md", "lessons/grade-07/index.md", LESSON.src_uri, PARENT.src_uri, "help.md", "coverage.md", "lessons/finder.md"]


@pytest.mark.parametrize("uri", AUDITED)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_accessibility_audit_has_no_moderate_or_worse_violations(server, page, uri, lang):
    assert AXE.exists(), "run `npm ci` (scripts/setup.sh does) to install axe-core for this test"
    page.goto(server + url_of(uri, lang))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("moderate", "serious", "critical")]
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


# ----------------------------------------------------------------------- issue 19

import io  # noqa: E402

from openpyxl import load_workbook  # noqa: E402

from xinyu import data, training  # noqa: E402

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_parent_module_on_a_phone_opens_with_the_reading(browser, server):
    context = browser.new_context(**PHONE)
    pg = context.new_page()
    for lang in ("zh", "en"):
        pg.goto(server + url_of("parents/p-topic-not-wanting-school.md", lang))
        first = pg.evaluate("""() => {
            const h1 = document.querySelector('article h1');
            const tables = [...document.querySelectorAll('article table')].map(t => t.getBoundingClientRect().top);
            const paras = [...document.querySelectorAll('article p, article li')].filter(p => p.getBoundingClientRect().top > h1.getBoundingClientRect().bottom
                           && p.getBoundingClientRect().top < innerHeight && p.textContent.trim().length > 20);
            return {tables: tables.filter(t => t < innerHeight).length, paras: paras.length};
        }""")
        assert first["tables"] == 0 and first["paras"] >= 2, (lang, first)
    context.close()


def test_family_front_door_fits_two_phone_screens_before_the_faq(browser, server):
    context = browser.new_context(**PHONE)
    pg = context.new_page()
    for lang, faq, worry in (("zh", "家长常问", "我的孩子不想上学"), ("en", "Questions parents ask", "My child won't go to school")):
        pg.goto(server + url_of("parents/index.md", lang))
        top = pg.evaluate("t => [...document.querySelectorAll('article h2')].find(h => h.textContent.includes(t)).getBoundingClientRect().top + scrollY", faq)
        assert top < 2 * 812, (lang, top)
        link = pg.get_by_role("link", name=worry).first
        assert link.bounding_box()["y"] + link.bounding_box()["height"] <= 812, lang     # in the first screen
    context.close()


@pytest.mark.parametrize("uri", ["coverage.md", "topics/relationships.md", "plans/grade-08.md", "lessons/grade-07/index.md"])
def test_wide_pages_fit_a_phone(browser, server, uri):
    context = browser.new_context(**PHONE)
    pg = context.new_page()
    for lang in ("zh", "en"):
        pg.goto(server + url_of(uri, lang))
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375, (uri, lang)
    context.close()


def test_english_quotes_are_set_half_width(server, page):
    page.goto(server + url_of("help.md", "en"))
    ratio = page.evaluate("""() => {
        const c = document.createElement('canvas').getContext('2d');
        const s = getComputedStyle(document.querySelector('article p'));
        c.font = s.fontSize + ' ' + s.fontFamily;
        return c.measureText('\u2019').width / c.measureText('\u4e2d').width;
    }""")
    assert ratio < 0.5, ratio


def test_lesson_downloads_above_the_fold_and_content_within_three_tab_stops(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    lesson = next(l for l in LIB.lessons if l.format == 2 and l.worksheets)
    pg.goto(server + url_of(lesson.src_uri))
    boxes = pg.locator("article .xy-downloads a").evaluate_all("els => els.map(e => e.getBoundingClientRect().bottom)")
    assert len(boxes) == len(lesson.worksheets) + 3 and max(boxes) <= 768, boxes
    stops = []
    for _ in range(12):
        pg.keyboard.press("Tab")
        stops.append(pg.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
            return {tag: e.tagName, cls: e.className, href: e.getAttribute('href'), w: r.width, h: r.height}; }"""))
    invisible = [s for s in stops if s["w"] < 2 or s["h"] < 2]
    assert invisible == [], invisible
    skip = next(n for n, s in enumerate(stops) if "md-skip" in str(s["cls"]))
    assert skip < 3, stops
    # the skip link takes the reader into the article
    pg.goto(server + url_of(lesson.src_uri))
    for _ in range(skip + 1):
        pg.keyboard.press("Tab")
    pg.keyboard.press("Enter")
    pg.keyboard.press("Tab")
    assert pg.evaluate("!!document.activeElement.closest('article')"), pg.evaluate("document.activeElement.outerHTML")
    context.close()


def _roster_xlsx(template: bytes, people: int) -> bytes:
    """The site's own roster template, filled in with `people` fictional staff."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.active
    roles = ["班主任", "学科教师", "班主任、学科教师", "心理教师", "学校干部", "新教师", "任课教师", "全体教职工"]
    for n in range(people):
        ws.append([f"教师{n + 1:02d}", f"T{n + 1:03d}", f"第{n % 4 + 1}年级组", roles[n % len(roles)]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_coordinator_prints_sign_in_sheets_from_disk(browser, offline_site, tmp_path):
    """Only Chromium and the folder: download the template, fill 60 people in, load it, choose
    this semester and print the sign-in sheet of the 班主任 unit; the browser's assignments are
    those of scripts/assign.py."""
    site, _ = offline_site
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto((site / "training" / "coordinator.html").as_uri())
    with pg.expect_download() as dl:
        pg.get_by_role("link", name="下载名单模板（Excel）").click()
    template = Path(dl.value.path()).read_bytes()
    roster = tmp_path / "教职工名单.xlsx"
    roster.write_bytes(_roster_xlsx(template, 60))
    # this semester from the start semester: a school that started in autumn, a year ago
    year = pg.evaluate("(() => { const d = new Date(); return d.getMonth() + 1 >= 8 ? d.getFullYear() : d.getFullYear() - 1; })()")
    pg.select_option("#xy-assign-start-year", str(year))
    pg.select_option("#xy-assign-start-term", "0")
    expected = pg.evaluate("window.xyAssign.semesterFromStart(%d, 0, new Date())" % year)
    assert expected in (1, 2)
    assert pg.locator("#xy-assign-semester").input_value() == str(expected)
    assert training.paths_file()["semesters"][expected - 1]["zh"] in pg.locator("#xy-assign-now").inner_text()
    # the semester whose 班主任 unit we print
    pg.select_option("#xy-assign-semester", "1")
    pg.set_input_files("#xy-assign-file", str(roster))
    pg.wait_for_selector("#xy-assign-table tbody tr")
    assert pg.locator("#xy-assign-table tbody tr").count() == 60
    # the same assignments as the Python tool
    people = training.read_roster(roster)
    want = [[u.meta.title for u in a.units] for a in training.assign(people, LIB, 1)]
    got = pg.locator("#xy-assign-table tbody tr td:nth-child(5)").evaluate_all("tds => tds.map(td => td.innerText.split('\\n').filter(Boolean))")
    assert got == want
    unit = training.path_units("head-teacher", 1)[0]
    heads = [p for p in people if "head-teacher" in p.roles]
    sheet = pg.locator(f'.xy-signin[data-unit="{unit}"]')
    assert sheet.locator("tbody tr").count() == len(heads) > 10
    pg.evaluate("window.print = () => { window.__printed = true; }")
    sheet.locator(".xy-signin-print").click()
    assert pg.evaluate("window.__printed === true")
    pdf = tmp_path / "sign-in.pdf"
    pg.pdf(path=str(pdf), format="A4")
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)))
    title = LIB.get(unit).meta.title
    assert unicodedata.normalize("NFKC", f"培训签到表：{title}").replace(" ", "") in text
    assert all(p.name in text for p in heads)
    assert "下载名单模板" not in text and "第一步" not in text          # only the sheet prints
    assert errors == [] and only_local(pg.requests) == []
    context.close()


def test_coordinator_reports_a_bad_roster_with_the_tools_messages(server, page):
    rows = [["姓名", "角色", "工号"], ["王老师", "班主任", "1"], ["", "班主任", ""], ["李老师", "", ""],
            ["赵老师", "校长助理", ""], ["王老师", "学科教师", "1"]]
    page.goto(server + "training/coordinator/")
    page.fill("#xy-assign-paste", "\n".join("\t".join(r) for r in rows))
    page.click("#xy-assign-paste-go")
    shown = page.locator("#xy-assign-problems li").all_inner_texts()
    with pytest.raises(training.RosterError) as err:
        training.roster_from_rows(rows)
    assert shown == err.value.problems and len(shown) == 4
    assert page.locator("#xy-assign-result").is_hidden()
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
    # The drawing is printed as vector lines: the page holds far more drawing operators than text alone.
    assert len(reader.pages[0].get_contents().get_data()) > 20_000


# ----------------------------------------------------------------------- issue 20: search and finder

from browser import open_search, results  # noqa: E402
from xinyu import data as xdata  # noqa: E402


def test_search_keyboard_use_is_materials(server, page):
    """`/` opens search, typing searches, arrows walk the results, Enter opens the focused one."""
    page.goto(server + "help/")
    page.wait_for_load_state("load")
    box = page.locator("input.md-search__input")
    focused_box = "document.activeElement === document.querySelector('input.md-search__input')"
    for _ in range(20):                 # Material binds its keys once its bundle has run: press until it has
        page.keyboard.press("/")
        if page.evaluate(focused_box):
            break
        page.wait_for_timeout(250)
    assert page.evaluate(focused_box)
    page.keyboard.type("家访")
    page.wait_for_selector('.md-search-result__item a[href*="parents/home-visit/"]', timeout=20_000)
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and "parents/home-visit/" in focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/parents/home-visit/**")
    assert page.locator("article h1").inner_text().startswith("家访指南")
    page.goto(server + "help/")
    page.wait_for_load_state("load")
    for _ in range(20):
        page.keyboard.press("s")
        if page.evaluate(focused_box):
            break
        page.wait_for_timeout(250)
    box.type("家访")
    page.wait_for_selector('.md-search-result__item a[href*="parents/home-visit/"]', timeout=20_000)
    box.press("Enter")                              # Enter in the box: the best result
    page.wait_for_url("**/parents/home-visit/**")
    assert only_local(page.requests) == []


def test_results_say_what_each_page_is_without_invisible_characters(server, page):
    page.goto(server)
    open_search(page)
    links = results(page, "人际交往 五年级")
    assert links and all("/lessons/grade-05/" in l for l in links[:3]), links[:5]
    titles = page.eval_on_selector_all(".md-search-result__article h1", "els => els.map(e => e.textContent)")
    kinds = page.eval_on_selector_all(".md-search-result__item .xy-search-kind", "els => els.map(e => e.textContent)")
    assert titles and not any(re.search("[\u200b-\u200f\u2060\ufeff]", t) for t in titles), titles
    assert kinds[0].startswith("心理课教案 · 五年级 · "), kinds[:3]
    assert all("五年级" in k for k in kinds[:3]), kinds[:3]
    # what a reader copies from a result is its rendered text: the title, with nothing invisible in it
    shown = page.eval_on_selector_all(".md-search-result__article h1", "els => els.map(e => e.innerText)")
    assert shown == titles
    links = results(page, "生涯 初中")
    kinds = page.eval_on_selector_all(".md-search-result__item .xy-search-kind", "els => els.map(e => e.textContent)")
    assert any(g in kinds[0] for g in ("七年级", "八年级", "九年级")), kinds[:3]
    results(page, "孩子不想上学")
    assert page.eval_on_selector(".md-search-result__item .xy-search-kind", "e => e.textContent") == "家长课程"


def test_pasted_text_searches_without_a_key_press(server, page):
    page.goto(server)
    open_search(page)
    page.locator("input.md-search__input").fill("家访")          # fill() sends an input event and no keys
    page.wait_for_selector(".md-search-result__item")
    assert "parents/home-visit/" in page.eval_on_selector(".md-search-result__item > a", "a => a.href")


def test_a_query_fetches_a_few_small_files_not_the_index(server, page):
    sizes = []
    page.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
    page.goto(server)
    open_search(page)
    results(page, "学生说不想活了怎么办")
    search_bytes = sum(n for u, n in sizes if "/search/" in u or "search-worker" in u)
    assert 0 < search_bytes < 400 * 1024, search_bytes
    assert any("/search/shards/" in u for u, _ in sizes)


FINDER = "lessons/finder/"


def phone(browser):
    return browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True)


def visible_cards(pg):
    return pg.eval_on_selector_all(".xy-card:not([hidden])", "els => els.map(e => ({grade: e.dataset.grade, stage: e.dataset.stage, topic: e.dataset.topic, href: e.querySelector('a').href}))")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_finder_narrows_in_two_taps_on_a_phone_and_the_address_keeps_the_filters(browser, server, lang):
    context = phone(browser)
    pg = context.new_page()
    pg.goto(server + ("" if lang == "zh" else "en/") + FINDER)
    every = visible_cards(pg)
    assert len(every) == len(LIB.lessons) + len(LIB.classmeetings)
    pg.locator('[data-key=grade] .xy-chip[data-value="5"]').tap()
    pg.locator('[data-key=topic] .xy-chip[data-value="relationships"]').tap()
    cards = visible_cards(pg)
    expected = [i for i in LIB.lessons + LIB.classmeetings if i.meta.grade == 5 and "relationships" in i.meta.topics]
    assert len(cards) == len(expected) > 0
    assert all(c["grade"] == "5" and "relationships" in c["topic"].split() for c in cards)
    assert pg.evaluate("location.hash") == "#grade=5&topic=relationships"
    assert str(len(expected)) in pg.locator(".xy-finder__count").inner_text()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 375
    # the copied address opens with the same filters
    other = context.new_page()
    other.goto(pg.url)
    assert visible_cards(other) == cards
    assert other.locator('[data-key=grade] .xy-chip[data-value="5"]').get_attribute("aria-pressed") == "true"
    # 初中 · 生涯 in two taps
    pg.locator(".xy-finder__clear").tap()
    assert len(visible_cards(pg)) == len(every)
    pg.locator('[data-key=stage] .xy-chip[data-value="junior"]').tap()
    pg.locator('[data-key=topic] .xy-chip[data-value="career"]').tap()
    cards = visible_cards(pg)
    expected = [i for i in LIB.lessons + LIB.classmeetings if 7 <= i.meta.grade <= 9 and "career" in i.meta.topics]
    assert len(cards) == len(expected) > 0 and all(c["stage"] == "junior" for c in cards)
    assert pg.evaluate("location.hash") == "#stage=junior&topic=career"
    context.close()


def test_finder_works_from_disk(browser, offline_site):
    site, _ = offline_site
    context = browser.new_context()
    pg = context.new_page()
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto((site / "lessons" / "finder.html").as_uri() + "#stage=junior&topic=career&kind=lesson")
    cards = visible_cards(pg)
    assert cards and all(c["stage"] == "junior" and "career" in c["topic"] for c in cards)
    assert all(c["href"].startswith("file://") and c["href"].endswith(".html") for c in cards)
    assert pg.locator(".xy-finder__more").evaluate("d => d.open")     # a filter from the address opened “more”
    pg.locator('[data-key=semester] .xy-chip[data-value="spring"]').click()
    assert "semester=spring" in pg.evaluate("location.hash")
    assert all(c["stage"] == "junior" for c in visible_cards(pg))
    assert only_local(requests) == []
    context.close()
