"""The intranet bundle: a versioned archive of the offline site with the IT guide, an nginx
sample, the http.server fallback and checksums, which searches in Chinese from disk."""
import hashlib
import subprocess
import sys
import zipfile

import pytest
from playwright.sync_api import sync_playwright

from browser import ARGS, CHROMIUM, search
from conftest import ROOT


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    (out / "xinyu-offline-old.zip").write_bytes(b"previous bundle")
    run = subprocess.run([sys.executable, str(ROOT / "scripts/bundle.py"), "--version", "test1", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_archive_contents_and_checksums(bundle, tmp_path):
    archive = bundle / "xinyu-offline-test1.zip"
    assert archive.exists() and not (bundle / "xinyu-offline-old.zip").exists()   # replaced only now
    digest = (bundle / "xinyu-offline-test1.zip.sha256").read_text().split()[0]
    assert digest == hashlib.sha256(archive.read_bytes()).hexdigest()
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / "xinyu-offline-test1"
    for name in ("site/index.html", "site/en/index.html", "部署说明.md", "nginx.conf.example", "start-server.sh", "start-server.bat", "SHA256SUMS", "VERSION"):
        assert (root / name).exists(), name
    for line in (root / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name
    guide = (root / "部署说明.md").read_text(encoding="utf-8")
    assert "内网服务器" in guide and "intranet server" in guide
    nginx = (root / "nginx.conf.example").read_text(encoding="utf-8")
    for header in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"):
        assert header in nginx
    assert "http.server" in (root / "start-server.sh").read_text(encoding="utf-8")


def test_bundle_searches_in_chinese_from_disk(bundle, tmp_path):
    with zipfile.ZipFile(bundle / "xinyu-offline-test1.zip") as zf:
        zf.extractall(tmp_path)
    index = tmp_path / "xinyu-offline-test1" / "site" / "index.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(index.as_uri())
        links = search(page, "入学适应")
        browser.close()
    assert any("g07-au-hello-junior-high.html" in l for l in links)
    assert all(u.startswith(("file://", "data:", "blob:")) for u in requests), [u for u in requests if not u.startswith("file://")][:5]


def test_a_failed_build_leaves_the_previous_bundle(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "xinyu-offline-keep.zip").write_bytes(b"previous bundle")
    project = tmp_path / "project"
    import shutil
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", "site-offline", ".git", "dist", "node_modules", "__pycache__"))
    lesson = next((project / "lessons" / "grade-07").glob("g07-au-hello-junior-high.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("duration: 45", "duration: 44", 1), encoding="utf-8")
    run = subprocess.run([sys.executable, str(project / "scripts/bundle.py"), "--version", "bad", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "no bundle was made" in run.stderr + run.stdout
    assert (out / "xinyu-offline-keep.zip").read_bytes() == b"previous bundle"
    assert sorted(p.name for p in out.iterdir()) == ["xinyu-offline-keep.zip"]


def test_start_server_sends_the_nginx_headers_and_the_policy_lets_the_site_run(bundle, tmp_path):
    """server.py serves with the headers of nginx.conf.example; under that content policy (no
    'unsafe-inline' for scripts, hashes of Material's inline scripts) pages run without a
    violation and search works."""
    import re
    import socket
    import time
    import urllib.request
    with zipfile.ZipFile(bundle / "xinyu-offline-test1.zip") as zf:
        zf.extractall(tmp_path)
    root = tmp_path / "xinyu-offline-test1"
    nginx = (root / "nginx.conf.example").read_text(encoding="utf-8")
    assert "server_tokens off;" in nginx and "frame-ancestors 'none'" in nginx and "'sha256-" in nginx
    assert "xinyu-inline-script-hashes" not in nginx
    csp = re.search(r'add_header Content-Security-Policy "([^"]+)"', nginx).group(1)
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    server = subprocess.Popen([sys.executable, str(root / "server.py"), str(port)])
    try:
        for _ in range(50):
            try:
                reply = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html")
                break
            except OSError:
                time.sleep(0.1)
        assert reply.headers["Content-Security-Policy"] == csp
        assert reply.headers["X-Frame-Options"] == "DENY" and reply.headers["X-Content-Type-Options"] == "nosniff"
        assert re.fullmatch(r"xinyu\s*", reply.headers["Server"])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            problems = []
            page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            for uri in ("index.html", "lessons/grade-07/g07-au-hello-junior-high.html", "en/index.html", "lessons/grade-07/index.html"):
                page.goto(f"http://127.0.0.1:{port}/{uri}")
                page.wait_for_timeout(300)
            page.goto(f"http://127.0.0.1:{port}/index.html")
            links = search(page, "入学适应")
            browser.close()
        assert problems == []
        assert any("g07-au-hello-junior-high.html" in l for l in links)
    finally:
        server.terminate()
        server.wait()
