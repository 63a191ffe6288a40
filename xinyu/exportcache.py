"""A cache of each lesson's exported files (教案, 学习单, 课件), keyed by what they are made from.

Making every Word file and slide deck costs more than rendering the site. The files are a pure
function of the lesson file, the drawings it uses, the code under xinyu/ and the data files (and a
school profile, when one is active), so a build keeps them in `.cache/exports/` under a hash of
all of these and makes again only what changed. Any change to code or data changes every key.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

from .content import Item

DRAWING_REF = re.compile(r"(?:drawings/|drawing:\s*)([a-z0-9-]+\.svg)")


def _digest(parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def fingerprint(root: Path) -> bytes:
    """The code and data every export depends on (read once per build)."""
    package = Path(__file__).resolve().parent
    files = sorted(package.glob("*.py")) + sorted(p for p in (root / "data").rglob("*") if p.is_file())
    profile = os.environ.get("SCHOOL")
    if profile and Path(profile).is_file():
        files.append(Path(profile))
    return _digest([str(p.name).encode() + b"\0" + p.read_bytes() for p in files]).encode()


class ExportCache:
    def __init__(self, root: Path):
        self.root = root
        self.folder = root / ".cache" / "exports"
        self.salt = fingerprint(root)
        self.used: set[str] = set()
        self.hits = self.misses = 0

    def key(self, item: Item) -> str:
        text = item.path.read_bytes()
        drawings = sorted(set(DRAWING_REF.findall(text.decode("utf-8", "replace"))))
        parts = [self.salt, text] + [(self.root / "lessons" / "drawings" / d).read_bytes()
                                     for d in drawings if (self.root / "lessons" / "drawings" / d).is_file()]
        return _digest(parts)

    def files(self, item: Item, make) -> dict[str, bytes]:
        """The lesson's files from the cache, or made by `make(item)` and kept."""
        key = self.key(item)
        path = self.folder / f"{key}.zip"
        self.used.add(path.name)
        if path.is_file():
            try:
                with zipfile.ZipFile(path) as zf:
                    self.hits += 1
                    return {name: zf.read(name) for name in zf.namelist()}
            except (zipfile.BadZipFile, OSError):
                pass                      # a broken entry is made again
        self.misses += 1
        files = make(item)
        self.folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for name, payload in files.items():
                zf.writestr(name, payload)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, path)
        return files

    def prune(self) -> None:
        """Forget entries this build did not use (lessons since edited or removed)."""
        if self.folder.is_dir():
            for p in self.folder.glob("*.zip"):
                if p.name not in self.used:
                    p.unlink(missing_ok=True)
