"""Pre-compressed copies of the site's text files for nginx's `gzip_static on` (deploy/).

nginx then sends `page.html.gz` for `page.html` to browsers that accept gzip, without compressing
on each request, and at a higher level than on the fly: level 9 here, against `gzip_comp_level 6`
for files without a copy. The copies are byte-for-byte reproducible (no time stamp in the header).
"""
from __future__ import annotations

import gzip
from pathlib import Path

SUFFIXES = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".ics", ".csv")
MIN_BYTES = 1024        # smaller files gain little and cost a file each


def write_gz(site_dir: Path, level: int = 9) -> tuple[int, int, int]:
    """Write `NAME.gz` beside every text file of at least MIN_BYTES under `site_dir` that gzip
    makes smaller. Returns (files, bytes before, bytes after)."""
    files = before = after = 0
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in SUFFIXES:
            continue
        raw = path.read_bytes()
        if len(raw) < MIN_BYTES:
            continue
        packed = gzip.compress(raw, compresslevel=level, mtime=0)
        if len(packed) >= len(raw):
            continue
        path.with_name(path.name + ".gz").write_bytes(packed)
        files, before, after = files + 1, before + len(raw), after + len(packed)
    return files, before, after
