#!/usr/bin/env python3
"""How well the library covers the district plan, requirement by requirement.

    python scripts/coverage.py                   # a table in the terminal
    python scripts/coverage.py --json            # the same as JSON, for other tools
    python scripts/coverage.py --check-baseline  # exit 1 if a requirement met in the baseline is no longer met
    python scripts/coverage.py --update-baseline # record what is met today in data/coverage-baseline.json

Figures marked * use a target from data/config.yml (coverage:): the project's reading of the
plan, not its text.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table      # noqa: E402

from xinyu import cli, content, coverage  # noqa: E402
from xinyu.paths import DATA         # noqa: E402

BASELINE = DATA / "coverage-baseline.json"
STYLE = {"met": "green", "partly": "yellow", "unmet": "red", "context": "dim"}


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--check-baseline", action="store_true", help="fail when a requirement met in the baseline is not met now")
    ap.add_argument("--update-baseline", action="store_true", help="record today's met requirements as the baseline")
    ap.add_argument("--baseline", type=Path, default=BASELINE)
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    args = ap.parse_args(argv)

    lib = content.load()
    results = coverage.evaluate(lib)
    if args.json:
        print(json.dumps({"requirements": [r.to_json() for r in results],
                          "grade_semester": coverage.grade_semester_matrix(lib),
                          "grade_topic": coverage.grade_topic_matrix(lib),
                          "translation": coverage.translation_coverage(lib),
                          "format2": coverage.format_counts(lib)}, ensure_ascii=False, indent=2))
    else:
        console = Console(width=None if sys.stdout.isatty() else 140)
        table = Table(title="心育资源库 coverage of the district plan", show_lines=False)
        for col in ("id", "clause", "status", "figures", "counted"):
            table.add_column(col)
        for r in results:
            ok = sum(c.ok for c in r.cells)
            figures = f"{ok}/{len(r.cells)} ok" + (" *" if r.policy else "") if r.cells else "context only"
            short = [f"{c.label[args.lang]} {c.have}/{c.need}" for c in r.cells if not c.ok][:3]
            table.add_row(r.id, r.clause, f"[{STYLE[r.status]}]{r.status}[/]", figures, "; ".join(short) or f"{len(r.items)} item(s)")
        console.print(table)
        counts = {s: sum(r.status == s for r in results) for s in STYLE}
        fc = coverage.format_counts(lib)
        console.print(f"lessons in format 2: {fc['format2']} of {fc['total']}")
        console.print(f"met {counts['met']} · partly {counts['partly']} · unmet {counts['unmet']} · context {counts['context']}"
                      "   (* target is the project's reading of the plan, set in data/config.yml)")
    if args.update_baseline:
        coverage.write_baseline(results, args.baseline)
        print(f"baseline written: {args.baseline}", file=sys.stderr)
    if args.check_baseline:
        lost = coverage.regressions(results, args.baseline)
        if lost:
            for rid in lost:
                print(f"error: {rid} was met in {args.baseline.name} and is no longer met", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
