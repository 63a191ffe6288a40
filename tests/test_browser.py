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
