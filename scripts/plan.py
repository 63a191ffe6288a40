#!/usr/bin/env python3
"""Plan a grade's psychology lessons on a school calendar, and write CSV (for Excel) and .ics.

    python scripts/plan.py --grade 8                          # both semesters, default calendar
    python scripts/plan.py --grade 8 --semester autumn --calendar my-school.yml --out plans/

The default calendar is data/calendars/beijing-2025-2026.yml; copy it, put in your school's
exam dates, and pass it with --calendar. Files are written as grade-08-autumn.csv and
grade-08-autumn.ics in --out (default: the current folder). They are made in a temporary folder
first; a file of the same name that plan.py did not make is never overwritten. Problems: one
line, exit status 2.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table      # noqa: E402

from xinyu import cli, content, data, outputs, planner  # noqa: E402


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--grade", type=int, required=True, help="1–12")
    ap.add_argument("--semester", choices=["autumn", "spring", "both"], default="both")
    ap.add_argument("--calendar", type=Path, default=None,
                    help="a calendar file (default: the calendar of the SCHOOL profile, else data/calendars/beijing-2025-2026.yml)")
    ap.add_argument("--out", type=Path, default=Path("."))
    args = ap.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120)
    cli.grade(args.grade)
    try:
        cal = planner.load_calendar(args.calendar) if args.calendar else data.calendar()
        lib = content.load()
        sems = ["autumn", "spring"] if args.semester == "both" else [args.semester]
        plans = [planner.plan(lib, args.grade, s, cal) for s in sems]
    except planner.PlanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def write(stage: Path) -> None:
        for p in plans:
            stem = f"grade-{p.grade:02d}-{p.semester}"
            (stage / f"{stem}.csv").write_bytes(planner.to_csv(p))
            (stage / f"{stem}.ics").write_bytes(planner.to_ics(p))

    outputs.place(args.out, write, "plan.py", results_folder=False)
    for p in plans:
        stem = args.out / f"grade-{p.grade:02d}-{p.semester}"
        table = Table(title=f"grade {p.grade} {p.semester}: {p.start} – {p.end}")
        for col in ("week", "date", "lesson", "suggested", "moment"):
            table.add_column(col)
        for e in p.entries:
            table.add_row(str(e.week), e.date.isoformat(), e.lesson.meta.title, planner.weeks_text(e.lesson), e.lesson.meta.moment or "")
        console.print(table)
        for l, why in p.moved:
            console.print(f"[yellow]outside its suggested weeks[/] {l.id} ({planner.weeks_text(l)}): {why}")
        for l in p.unplaced:
            console.print(f"[yellow]no lesson day left for[/] {l.id}")
        if p.assumptions:
            console.print("[yellow]exam dates assumed by the calendar, check them:[/] " + "; ".join(p.assumptions))
        print(f"wrote {stem}.csv and {stem}.ics", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
