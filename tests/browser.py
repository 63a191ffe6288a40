"""Playwright with Debian's Chromium, and a tiny local web server, for the browser tests."""
import contextlib
import functools
import http.server
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def search(page, query: str, timeout: float = 20_000) -> list[str]:
    """Open Material's search with a real click, type the query, and return result links."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")            # typing Chinese sends no keyup; a real key makes Material search
    page.wait_for_selector(".md-search-result__item", timeout=timeout)
    # Material shows results a screenful at a time and adds more as the list scrolls.
    # Material adds four more each time the list is scrolled to its end (leaving the end first).
    items = page.locator(".md-search-result__item")
    count, still = -1, 0
    while still < 3:
        count, before = items.count(), count
        still = still + 1 if count == before else 0
        wrap = ".md-search__scrollwrap"
        page.eval_on_selector(wrap, "el => el.scrollTo(0, Math.max(0, el.scrollHeight - 2 * el.clientHeight))")
        page.wait_for_timeout(150)
        page.eval_on_selector(wrap, "el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(250)
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
