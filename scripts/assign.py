#!/usr/bin/env python3
"""Assign training units to staff for a semester, print sign-in sheets, and report who still
lacks a required unit.

    python scripts/assign.py --roster 教职工名单.xlsx --semester 1 --out 培训安排
    python scripts/assign.py --roster 教职工名单.csv --semester 3 --completions 完成记录.csv --out 培训安排

The roster (CSV or Excel) has the headers 姓名 and 角色 (several roles separated by 、), and
optionally 工号 and 部门. Semesters 1–6 are those of data/learning-paths.yml. The completion file
has 姓名 (and 工号) and 单元 (unit id or title). Output, in --out: 培训安排.csv, one sign-in sheet
per unit in 签到表/, and with --completions 未完成.csv. A roster with an unknown role, a duplicate
person or a broken row is rejected with the row numbers and nothing is written. Nothing leaves
this computer.

--out is a folder of its own for these results: the files are made in a temporary folder and
then moved in, replacing only what assign.py made there before (listed in .xinyu-outputs.json).
The current folder, a home folder or a folder with other files is refused unless --force, and
even then only assign.py's own earlier files are replaced. Problems: one line, exit status 2.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table      # noqa: E402

from xinyu import cli, content, outputs, training  # noqa: E402


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--roster", type=Path, required=True)
    ap.add_argument("--semester", type=int, required=True, choices=range(1, 7), help="1–6 in the learning paths")
    ap.add_argument("--completions", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--force", action="store_true", help="write into a folder that holds other files (they are kept)")
    args = ap.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120)
    cli.existing_file(args.roster, "roster file")
    cli.existing_file(args.completions, "completion file")
    lib = content.load()
    try:
        people = training.read_roster(args.roster)
        done = training.read_completions(args.completions, people, lib) if args.completions else None
    except training.RosterError as exc:
        first, _, rest = str(exc).partition("\n")
        print(f"error: {first} (nothing was written)" + (f"\n{rest}" if rest else ""), file=sys.stderr)
        return cli.USAGE_ERROR
    assignments = training.assign(people, lib, args.semester)
    by_unit: dict[str, list] = {}
    units = {u.id: u for u in lib.training}
    rows = []

    def write(stage: Path) -> None:
        (stage / "培训安排.csv").write_bytes(training.assignments_csv(assignments, args.semester))
        (stage / "签到表").mkdir()
        for a in assignments:
            for u in a.units:
                by_unit.setdefault(u.id, []).append(a.person)
        for n, (uid, members) in enumerate(by_unit.items(), start=1):
            (stage / "签到表" / f"{n:02d}-{uid}.docx").write_bytes(training.sign_in_docx(units[uid], members, args.semester))
        if done is not None:
            rows.extend(training.outstanding(people, lib, args.semester, done))
            (stage / "未完成.csv").write_bytes(training.outstanding_csv(rows))

    outputs.place(args.out, write, "assign.py", results_folder=True, force=args.force,
                  known=("培训安排.csv", "未完成.csv", "签到表/*.docx"))
    table = Table(title=f"{training.paths_file()['semesters'][args.semester - 1]['zh']}：{len(people)} 人")
    table.add_column("培训单元")
    table.add_column("人数", justify="right")
    for uid, members in by_unit.items():
        table.add_row(units[uid].meta.title, str(len(members)))
    console.print(table)
    if done is not None:
        console.print(f"尚有 {len(rows)} 人未完成必修单元，见 {args.out / '未完成.csv'}")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
