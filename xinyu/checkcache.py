"""The checker's findings kept between builds, under a hash of everything the checker reads.

`mkdocs build` runs the whole checker before anything is built, and CI and the bundle build the
site twice (served and offline): the second build, or any build of an unchanged tree, takes the
findings from `.cache/checks/` instead of checking again. The key covers the content folders
(lessons with their translations and drawings, parent modules, training units), the site pages
under docs/, the data files, the code under xinyu/ and the school profile (SCHOOL=…), so any
change to any of them checks again. XINYU_CHECK_CACHE=0 turns it off (the benchmark's growth
comparison, which times the checker).
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .content import Library, Problem
from .paths import CONTENT_DIRS, DATA, DOCS, ROOT


def fingerprint(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    folders = [root / d.name for d in CONTENT_DIRS.values()] + [root / DOCS.name, root / DATA.name, Path(__file__).resolve().parent]
    files = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    profile = os.environ.get("SCHOOL")
    if profile and Path(profile).is_file():
        files.append(Path(profile))
    for p in files:
        try:
            rel = p.relative_to(root).as_posix()
        except ValueError:
            rel = p.as_posix()
        body = p.read_bytes()
        h.update(f"{rel}\0{len(body)}\0".encode())
        h.update(body)
    return h.hexdigest()


def check(lib: Library, run, root: Path = ROOT) -> list[Problem]:
    """`run(lib)`'s findings (the checker's), from the cache when nothing it reads has changed."""
    if os.environ.get("XINYU_CHECK_CACHE", "1") == "0":
        return run(lib)
    folder = root / ".cache" / "checks"
    key = fingerprint(root)
    path = folder / f"{key}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass                       # none yet, or unreadable: check
    problems = run(lib)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(problems))
        os.replace(tmp, path)
        for old in folder.glob("*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass                       # a read-only checkout still builds
    return problems
