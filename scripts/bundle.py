#!/usr/bin/env python3
"""Build the intranet bundle: the offline site, a guide for school IT (Chinese and English), a
sample nginx configuration, a plain `python3 -m http.server` fallback, and checksums, as
dist/xinyu-offline-<version>.zip with a .sha256 beside it.

    python scripts/bundle.py                 # version from the date and the git commit
    python scripts/bundle.py --version 2026.1

Everything is made in a temporary folder; the previous bundle in dist/ is replaced only when
the new one is complete.
"""
from __future__ import annotations

import argparse
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

START_SH = """#!/bin/sh
# Serve the site on port 8000 when there is no web server (a stopgap: it stops with this window).
cd "$(dirname "$0")"
echo "心育资源库: http://$(hostname -I 2>/dev/null | cut -d' ' -f1):8000/  (Ctrl+C to stop)"
exec python3 -m http.server 8000 --bind 0.0.0.0 --directory site
"""
START_BAT = ("@echo off\r\nrem Serve the site on port 8000 when there is no web server (a stopgap).\r\n"
             "cd /d %~dp0\r\necho http://localhost:8000/  (close this window to stop)\r\n"
             "python -m http.server 8000 --bind 0.0.0.0 --directory site\r\n")


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--version", default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "dist")
    args = ap.parse_args(argv)
    ver = args.version or version()
    name = f"xinyu-offline-{ver}"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bundle-", dir=args.out) as tmp:
        stage = Path(tmp) / name
        stage.mkdir()
        build(stage)
        (stage / "部署说明.md").write_text(guide(), encoding="utf-8")
        shutil.copy(ROOT / "deploy" / "nginx.conf.example", stage / "nginx.conf.example")
        (stage / "start-server.sh").write_text(START_SH, encoding="utf-8")
        (stage / "start-server.sh").chmod(0o755)
        (stage / "start-server.bat").write_bytes(START_BAT.encode("utf-8"))
        (stage / "VERSION").write_text(ver + "\n", encoding="utf-8")
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        sums = "".join(f"{sha256(p)}  {p.relative_to(stage).as_posix()}\n" for p in files)
        (stage / "SHA256SUMS").write_text(sums, encoding="utf-8")
        archive = Path(tmp) / f"{name}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(stage.rglob("*")):
                if p.is_file():
                    zf.write(p, f"{name}/{p.relative_to(stage).as_posix()}")
        digest = sha256(archive)
        # Only now, with a complete archive, replace what dist/ held.
        old = [p for p in args.out.glob("xinyu-offline-*.zip*") if not p.name.startswith(name)]
        os.replace(archive, args.out / archive.name)
        (args.out / f"{archive.name}.sha256").write_text(f"{digest}  {archive.name}\n", encoding="utf-8")
        for p in old:
            p.unlink()
    print(args.out / f"{name}.zip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
