#!/usr/bin/env python3
"""Rewrite merged tags across the library: each near-duplicate listed in data/tags.yml becomes
the tag it is merged into (duplicates dropped, order kept). Only the `tags:` line of the front
matter is touched. Tags that are in no list are reported (exit 1) and left for a person.

    python scripts/merge_tags.py [--dry-run]
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinyu import content, data  # noqa: E402

TAGS_LINE = re.compile(r"^tags:\s*\[(.*)\]\s*$", re.M)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    allowed, aliases = data.tags()
    lib = content.load()
    changed, unknown = 0, []
    for item in lib.items:
        if not item.meta.tags:
            continue
        new = []
        for tag in item.meta.tags:
            tag = aliases.get(tag, tag)
            if tag not in allowed:
                unknown.append(f"{item.path}:{item.doc.line_of('tags')}: tag '{tag}' is in no list — add it to data/tags.yml or choose a listed tag")
            if tag not in new:
                new.append(tag)
        if new == list(item.meta.tags):
            continue
        text = item.path.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---")
        if not TAGS_LINE.search(head):
            unknown.append(f"{item.path}:{item.doc.line_of('tags')}: tags are not written as one [list] line — merge them by hand")
            continue
        head = TAGS_LINE.sub(lambda m: "tags: [" + ", ".join(new) + "]", head, count=1)
        changed += 1
        if not args.dry_run:
            item.path.write_text(head + sep + body, encoding="utf-8")
        print(f"{item.path.relative_to(Path.cwd()) if item.path.is_relative_to(Path.cwd()) else item.path}: {', '.join(item.meta.tags)} → {', '.join(new)}")
    for line in unknown:
        print(line, file=sys.stderr)
    print(f"{changed} file(s) {'would change' if args.dry_run else 'changed'}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
