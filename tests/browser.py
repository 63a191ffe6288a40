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


SETTLE = """async ([query, quiet]) => {
  // Type `query` the way a reader's paste or voice input does (one input event), then wait for
  // the results to be redrawn and stay still for `quiet` ms. Returns the result links.
  const box = document.querySelector('input.md-search__input');
  const out = document.querySelector('.md-search-result');
  return await new Promise(resolve => {
    let timer = null, changed = false;
    const finish = () => { obs.disconnect(); resolve([...document.querySelectorAll('.md-search-result__item > a:first-child')].map(a => a.href)); };
    const obs = new MutationObserver(() => { changed = true; clearTimeout(timer); timer = setTimeout(finish, quiet); });
    obs.observe(out, {childList: true, subtree: true, characterData: true});
    box.value = query;
    box.dispatchEvent(new InputEvent('input', {bubbles: true}));
    setTimeout(() => { if (!changed) finish(); }, 5000);
  });
}"""


def open_search(page) -> None:
    """Open Material's search dialog with a real click (from disk the index loads on that event)."""
    box = page.locator("input.md-search__input")
    if box.is_visible():
        box.click()
    else:                                   # a phone-width page: the magnifier opens the dialog
        page.locator("label.md-header__button[for=__search]").click()
    page.wait_for_selector("input.md-search__input", state="visible")


def results(page, query: str, quiet: int = 150) -> list[str]:
    """The page links of the results for `query`, best first (entered as one input event)."""
    return page.evaluate(SETTLE, [query, quiet])


def result_path(href: str, base: str) -> str:
    """A result link relative to its language root, without anchor or query: parents/home-visit/."""
    from urllib.parse import urlparse
    path, root = urlparse(href).path, urlparse(base).path
    path = path[len(root):] if path.startswith(root) else path
    return path[3:] if path.startswith("en/") else path


def page_path(uri: str, offline: bool = False) -> str:
    """Where a docs-space page is served: parents/home-visit.md → parents/home-visit/ (or .html)."""
    stem = uri[:-3]
    if offline:
        return stem + ".html"
    if stem == "index":
        return ""
    return (stem[:-5] if stem.endswith("/index") else stem + "/")
