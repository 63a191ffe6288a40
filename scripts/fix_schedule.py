#!/usr/bin/env python3
"""Propose (or write) suggested weeks so that the schedule is one: in each grade and semester
the lessons keep their order, no two suggested-week ranges overlap, and every lesson has a lesson
day within its weeks on the default calendar. A lesson whose weeks already fit is left alone;
the others move as little as they can. Only the `weeks:` line of a lesson's front matter changes.

    python scripts/fix_schedule.py            # print what would change
    python scripts/fix_schedule.py --write    # and write it
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinyu import content, data, planner  # noqa: E402

WEEKS_LINE = re.compile(r"^weeks:.*$", re.M)


def propose(lessons, days: list[int]) -> list[list[int]]:
    """New weeks for `lessons` (in teaching order) given the weeks that have a lesson day."""
    n = len(lessons)
    if n > len(days):
        raise ValueError(f"{n} lessons but only {len(days)} lesson weeks")
    chosen: list[int] = []
    for i, lesson in enumerate(lessons):
        orig = range(min(lesson.meta.weeks), max(lesson.meta.weeks) + 1)
        prev = chosen[-1] if chosen else 0
        cap = days[len(days) - (n - i)]
        options = [w for w in days if prev < w <= cap]
        inside = [w for w in options if w in orig]
        chosen.append(inside[0] if inside else min(options, key=lambda w: (abs(w - orig.start), w)))
    out, end = [], 0
    for i, lesson in enumerate(lessons):
        orig = sorted(lesson.meta.weeks)
        nxt = chosen[i + 1] if i + 1 < n else 10 ** 6
        if orig[0] > end and orig[-1] < nxt and chosen[i] in range(orig[0], orig[-1] + 1):
            new = orig
        elif len(orig) > 1 and chosen[i] + 1 < nxt:
            new = [chosen[i], chosen[i] + 1]
        else:
            new = [chosen[i]]
        out.append(new)
        end = new[-1]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    lib = content.load()
    cal = planner.load_calendar()
    changes = 0
    for grade in data.vocabularies()["grades"]:
        for sem in data.vocabularies()["semesters"]:
            lessons = lib.semester_lessons(grade, sem)
            if not lessons:
                continue
            days = sorted({w for w, _ in planner.lesson_days(cal, grade, sem)[0]})
            try:
                weeks = propose(lessons, days)
            except ValueError as exc:
                print(f"grade {grade} {sem}: {exc} — move a lesson to the other semester", file=sys.stderr)
                return 1
            for lesson, new in zip(lessons, weeks):
                if new == sorted(lesson.meta.weeks):
                    continue
                changes += 1
                print(f"{lesson.path.relative_to(content.ROOT) if hasattr(content, 'ROOT') else lesson.path}: weeks {lesson.meta.weeks} → {new}")
                if args.write:
                    text = lesson.path.read_text(encoding="utf-8")
                    head, sep, body = text.partition("\n---")
                    head = WEEKS_LINE.sub(f"weeks: [{', '.join(map(str, new))}]", head, count=1)
                    lesson.path.write_text(head + sep + body, encoding="utf-8")
    print(f"{changes} lesson(s) {'changed' if args.write else 'to change'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
