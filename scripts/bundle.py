#!/usr/bin/env python3
"""Build the intranet bundle: the offline site, a guide for school IT (Chinese and English), a
sample nginx configuration, a plain `python3 -m http.server` fallback, and checksums, as
dist/xinyu-offline-<version>.zip with a .sha256 beside it.

    python scripts/bundle.py                 # version from the date and the git commit
    python scripts/bundle.py --version 2026.1
    python scripts/bundle.py --school examples/schools/gaozhong.yml   # a school's own edition

Everything is made in a temporary folder; the previous bundle in dist/ is replaced only when
the new one is complete, and only bundle.py's own files there are ever replaced (see
xinyu/outputs.py; --force to use a folder holding other files). The nginx sample and server.py
carry a content policy with the hashes of the site's inline scripts, measured on the build.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xinyu import cli, outputs  # noqa: E402

START_SH = """#!/bin/sh
# Serve the site on port 8000 when there is no web server (a stopgap: it stops with this window).
# server.py is Python's http.server sending the security headers of nginx.conf.example.
cd "$(dirname "$0")"
echo "心育资源库: http://$(hostname -I 2>/dev/null | cut -d' ' -f1):8000/  (Ctrl+C to stop)"
exec python3 server.py 8000
"""
START_BAT = ("@echo off\r\nrem Serve the site on port 8000 when there is no web server (a stopgap).\r\n"
             "rem server.py is Python's http.server sending the security headers of nginx.conf.example.\r\n"
             "cd /d %~dp0\r\necho http://localhost:8000/  (close this window to stop)\r\n"
             "python server.py 8000\r\n")
SERVER_PY = '''#!/usr/bin/env python3
# 心育资源库: serve site/ with Python's http.server and the same security headers as
# nginx.conf.example (a stopgap when there is no web server).  python3 server.py [PORT]
import functools, http.server, os, sys

HEADERS = __HEADERS__


class Handler(http.server.SimpleHTTPRequestHandler):
    server_version = "xinyu"          # no version numbers in the Server header
    sys_version = ""

    def end_headers(self):
        for name, value in HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):    # the site collects nothing; keep no log of who read what
        pass


Handler.extensions_map.update({".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                               ".ics": "text/calendar", ".csv": "text/csv", ".js": "application/javascript"})

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    site = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site")
    http.server.ThreadingHTTPServer(("0.0.0.0", port), functools.partial(Handler, directory=site)).serve_forever()
'''
HASHES_MARK = "'xinyu-inline-script-hashes'"


def inline_script_hashes(site: Path) -> list[str]:
    """CSP hashes of every inline script in the built pages. Material writes a few small ones in
    each page (its storage helpers, which name the page's depth, and the palette and tab
    restorers); its JSON configuration block is data, not script, and needs none."""
    import base64
    import re
    found = set()
    for page in site.rglob("*.html"):
        for m in re.finditer(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", page.read_text(encoding="utf-8"), re.S):
            if "src=" in m.group("attrs") or "application/json" in m.group("attrs"):
                continue
            found.add("'sha256-" + base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode() + "'")
    return sorted(found)


def security_headers(site: Path) -> tuple[str, list[tuple[str, str]]]:
    """The sample nginx configuration with the site's script hashes filled in, and its headers."""
    import re
    conf = (ROOT / "deploy" / "nginx.conf.example").read_text(encoding="utf-8")
    conf = conf.replace(HASHES_MARK, " ".join(inline_script_hashes(site)))
    headers = [(m.group(1), m.group(2)) for m in re.finditer(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', conf, re.M)]
    return conf, headers


def version() -> str:
    day = dt.date.today().strftime("%Y%m%d")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "nogit"
    return f"{day}-{commit}"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def guide() -> str:
    """The IT page of the site, both languages, without its front matter."""
    parts = []
    for name in ("it.md", "it.en.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        parts.append(text.split("---", 2)[2].strip() if text.startswith("---") else text)
    return "\n\n---\n\n".join(parts) + "\n"


def build(stage: Path) -> None:
    env = dict(os.environ, OFFLINE="true", SITE_DIR=str(stage / "site"), NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"the offline build failed; no bundle was made:\n{run.stdout}{run.stderr}")


def school_profile(path: Path) -> None:
    """Check the profile before anything is built, and hand it to the build (SCHOOL=…)."""
    from xinyu import data, profile
    path = path.absolute()
    if not path.is_file():
        raise cli.UserError(f"--school {path}: no such file — give the path of the school's profile (see examples/schools/)")
    os.environ[profile.ENV] = str(path)
    data.reload()
    data.profile()          # a bad profile stops here: ProfileError, path:line: problem — fix


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--version", default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "dist")
    ap.add_argument("--force", action="store_true", help="write into a folder that holds other files (they are kept)")
    ap.add_argument("--school", type=Path, default=None, help="the school's profile (see examples/schools/): its edition of the site")
    args = ap.parse_args(argv)
    ver = args.version or version()
    name = f"xinyu-offline-{ver}"
    if args.school is not None:
        school_profile(args.school)
        name = f"xinyu-offline-{args.school.stem}-{ver}"
    out = args.out.absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = tempfile.TemporaryDirectory(prefix=".bundle-", dir=out.parent)
    except OSError as exc:
        raise outputs.OutputError(f"cannot write in {out.parent} ({exc.strerror or exc}) — choose another --out") from None
    with work as tmp:
        stage = Path(tmp) / name
        stage.mkdir()
        build(stage)
        conf, headers = security_headers(stage / "site")
        (stage / "部署说明.md").write_text(guide(), encoding="utf-8")
        (stage / "nginx.conf.example").write_text(conf, encoding="utf-8")
        (stage / "server.py").write_text(SERVER_PY.replace("__HEADERS__", repr(headers)), encoding="utf-8")
        (stage / "start-server.sh").write_text(START_SH, encoding="utf-8")
        (stage / "start-server.sh").chmod(0o755)
        (stage / "start-server.bat").write_bytes(START_BAT.encode("utf-8"))
        (stage / "VERSION").write_text(ver + "\n", encoding="utf-8")
        if args.school is not None:
            shutil.copyfile(args.school, stage / "school.yml")     # the profile this edition was built from
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        sums = "".join(f"{sha256(p)}  {p.relative_to(stage).as_posix()}\n" for p in files)
        (stage / "SHA256SUMS").write_text(sums, encoding="utf-8")

        def write(new: Path) -> None:
            archive = new / f"{name}.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
                for p in sorted(stage.rglob("*")):
                    if p.is_file():
                        zf.write(p, f"{name}/{p.relative_to(stage).as_posix()}")
            (new / f"{archive.name}.sha256").write_text(f"{sha256(archive)}  {archive.name}\n", encoding="utf-8")

        # Only now, with a complete archive, replace what the output folder held (bundle.py's own files only).
        outputs.place(out, write, "bundle.py", results_folder=True, force=args.force,
                      known=("xinyu-offline-*.zip", "xinyu-offline-*.zip.sha256"))
    print(out / f"{name}.zip")
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
