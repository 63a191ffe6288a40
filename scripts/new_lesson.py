#!/usr/bin/env python3
"""Start a new lesson from data/templates/lesson.md with a fresh, unique id.

    python scripts/new_lesson.py --grade 7 --semester autumn --slug making-friends --title "交朋友的小技巧"
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinyu import cli, scaffold  # noqa: E402


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--grade", type=int, required=True, help="1–12")
    ap.add_argument("--semester", choices=["autumn", "spring"], required=True)
    ap.add_argument("--slug", required=True, help="a few lowercase English words joined by hyphens")
    ap.add_argument("--title", default="（课题）", help="the lesson's Chinese title")
    ap.add_argument("--week", type=int, default=1, help="suggested teaching week")
    ap.add_argument("--topic", default="self", help="topic code (see data/vocabularies.yml)")
    args = ap.parse_args(argv)
    try:
        path = scaffold.new_lesson(args.grade, args.semester, args.slug, args.title, args.week, args.topic)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
