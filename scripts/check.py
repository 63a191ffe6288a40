#!/usr/bin/env python3
"""Check all content: schemas, vocabularies, ids, timings, sections, links, safety, duplicates.

    python scripts/check.py              # the project
    python scripts/check.py --root DIR   # another tree with lessons/ parents/ training/ docs/

Prints `path:line: what is wrong — how to fix it`, errors first, then warnings.
Exit status: 0 when there are no errors, 1 when there are, 2 when the tree cannot be read. --warnings-as-errors makes warnings fail too.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinyu import checks, cli, content  # noqa: E402


def school_problems() -> list:
    """SCHOOL=path/to/school.yml: the school's profile is checked with the content."""
    from xinyu import data, profile
    try:
        data.profile()
    except profile.ProfileError as exc:
        return exc.problems
    return []


def school_plans(lib) -> list:
    """SCHOOL=…: every grade of the school planned on its calendar."""
    from xinyu import data, profile
    school = data.profile()
    return profile.plan_problems(school, lib) if school else []


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, help="check another tree instead of the project")
    ap.add_argument("--warnings-as-errors", action="store_true")
    args = ap.parse_args(argv)
    root = args.root.resolve() if args.root else None
    if root is not None:
        if not root.is_dir():
            raise cli.UserError(f"--root {args.root}: no such folder — give the project folder (the one holding lessons/)")
        if not any((root / d).is_dir() for d in ("lessons", "parents", "training")):
            raise cli.UserError(f"--root {args.root}: holds no lessons/, parents/ or training/ folder — give the project folder")
    bad_profile = school_problems()
    if bad_profile:             # SCHOOL=…: a profile that cannot be used stops here
        for p in bad_profile:
            print(f"error: {p}")
        print(f"the school profile has {len(bad_profile)} error(s); nothing else was checked", file=sys.stderr)
        return 1
    lib = content.load(root)
    problems = checks.check(lib, root=root)
    if root is None:
        problems += school_plans(lib)
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level != "error"]
    for p in errors:
        print(f"error: {p}")
    for p in warnings:
        print(f"warning: {p}")
    print(f"checked {len(lib.items)} item(s): {len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return 1 if errors or (args.warnings_as_errors and warnings) else 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
