"""The search test set (tests/search_queries.yml) in Chromium, over HTTP and from disk.

Each query is entered the way a paste or voice input enters it (one input event, no key press)
into Material's search box on a page of the query's language, and its first five results are
compared with the pages the test set requires."""
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright

from browser import ARGS, CHROMIUM, open_search, page_path, result_path, results, serve
from conftest import ROOT

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yml").read_text(encoding="utf-8"))
CRISIS = ("procedures/first-day.md", "help.md")


def test_the_test_set_is_large_enough_and_names_real_pages():
    assert len(QUERIES) >= 60
    assert {q["lang"] for q in QUERIES} == {"zh", "en"}
    assert sum(q["lang"] == "en" for q in QUERIES) >= 15
    from xinyu import checks, content
    pages = checks._generated_pages(content.load()) | checks._docs_pages(ROOT / "docs")
    for q in QUERIES:
        assert q.get("crisis") or q.get("top5") or q.get("any"), q
        for uri in (q.get("top5") or []) + (q.get("any") or []):
            assert uri in pages, f"{q['q']}: no page {uri}"


def verdict(q: dict, paths: list[str], offline: bool) -> str:
    """'' if the query passes, else what went wrong."""
    top = paths[:5]
    if q.get("crisis"):
        wanted = [page_path(u, offline) for u in CRISIS]
        if not top or top[0] not in wanted:
            return f"crisis query: first result {top[:1]}, not the crisis procedure or help page"
    missing = [u for u in q.get("top5") or [] if page_path(u, offline) not in top]
    if missing:
        return f"not in the top 5: {missing}; got {top}"
    if q.get("any") and not any(page_path(u, offline) in top for u in q["any"]):
        return f"none of {len(q['any'])} pages in the top 5; got {top}"
    return ""


def run_all(start_urls: dict, base: str, offline: bool) -> tuple[list, list]:
    failures, crisis_failures = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        requests = []
        for lang in ("zh", "en"):
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(start_urls[lang])
            open_search(page)
            for q in (q for q in QUERIES if q["lang"] == lang):
                paths = [result_path(h, base) for h in results(page, q["q"])]
                problem = verdict(q, paths, offline)
                if problem:
                    (crisis_failures if q.get("crisis") else failures).append(f"[{lang}] {q['q']}: {problem}")
            page.close()
        browser.close()
    outside = [u for u in requests if not u.startswith((base, "data:", "blob:", "about:"))]
    assert outside == [], outside[:5]
    return failures, crisis_failures


def check(failures, crisis_failures):
    passed = len(QUERIES) - len(failures) - len(crisis_failures)
    report = "\n".join(crisis_failures + failures)
    assert crisis_failures == [], report
    assert passed / len(QUERIES) >= 0.95, f"{passed}/{len(QUERIES)} passed:\n{report}"


@pytest.mark.browser
def test_query_set_over_http(built_site):
    site, _ = built_site
    with serve(site) as base:
        check(*run_all({"zh": base, "en": base + "en/"}, base, offline=False))


@pytest.mark.browser
def test_query_set_from_disk(offline_site):
    site, _ = offline_site
    base = site.as_uri() + "/"
    check(*run_all({"zh": (site / "index.html").as_uri(), "en": (site / "en" / "index.html").as_uri()}, base, offline=True))
