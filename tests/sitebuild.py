"""Build helpers shared by the site and browser tests: one strict build of both languages and
one offline build per test session, into temporary folders."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def build(site_dir: Path, offline: bool = False, root: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, SITE_DIR=str(site_dir), NO_MKDOCS_2_WARNING="1")
    if offline:
        env["OFFLINE"] = "true"
    return subprocess.run(MKDOCS + ["build", "--strict", "--clean"], cwd=root, env=env,
                          capture_output=True, text=True)
