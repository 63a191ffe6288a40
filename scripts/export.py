#!/usr/bin/env python3
"""Export lessons to Word (教案) and semester packs (zip), for teachers who work in Word or WPS.

    python scripts/export.py --lesson g07-au-hello-junior-high          # one lesson → .docx 教案, 学习单, 课件
    python scripts/export.py --grade 7 --semester autumn                 # the semester pack → .zip
    python scripts/export.py --grade 7 --semester autumn --out ~/教案

The content checker runs first: a lesson with errors is not exported, and its messages
(path:line: problem — fix) are printed instead. Exit status 1 then, 2 for a bad request.
Files are made in a temporary folder first; a file of the same name in --out that export.py did
not make is never overwritten.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinyu import checks, cli, content, data, export, outputs, planner  # noqa: E402


def main(argv=None) -> int:
    ap = cli.Parser(description=__doc__.split("\n")[0])
    ap.add_argument("--lesson", help="a lesson id")
    ap.add_argument("--grade", type=int)
    ap.add_argument("--semester", choices=["autumn", "spring"])
    ap.add_argument("--out", type=Path, default=Path("."))
    ap.add_argument("--root", type=Path, help="another content tree (for testing)")
    args = ap.parse_args(argv)
    if not args.lesson and (args.grade is None or args.semester is None):
        ap.error("give --lesson ID, or --grade and --semester")
    cli.grade(args.grade)
    root = args.root.resolve() if args.root else None
    if root is not None and not root.is_dir():
        raise cli.UserError(f"--root {args.root}: no such folder — give the folder that holds lessons/")
    lib = content.load(root)
    problems = checks.check(lib, root=root)
    try:
        if args.lesson:
            item = lib.get(args.lesson)
            if item is None or item.kind != "lesson":
                broken = [p for p in problems if p.path.stem == args.lesson]
                if broken:
                    raise export.ExportError(f"cannot export {args.lesson}, the checker found:\n" + "\n".join(map(str, broken)))
                print(f"error: no lesson with id {args.lesson} — the id is the file name without .md, e.g. g07-au-hello-junior-high", file=sys.stderr)
                return 2
            export.check_item(item, problems)
            files = export.lesson_files(item)
            names = {export.lesson_docx_uri(item): f"{item.id}.docx", export.slides_uri(item): f"{item.id}-课件.pptx"}
            names.update({export.worksheet_docx_uri(item, n): f"{item.id}-学习单{n}.docx" for n in range(1, len(item.worksheets) + 1)})
            payloads = {names[uri]: payload for uri, payload in files.items()}
            name = names[export.lesson_docx_uri(item)]
        else:
            if args.grade not in data.vocabularies()["grades"]:
                print(f"error: unknown grade {args.grade}; grades are 1–12", file=sys.stderr)
                return 2
            lessons = lib.semester_lessons(args.grade, args.semester)
            for item in lessons:
                export.check_item(item, problems)
            name = Path(export.pack_uri(args.grade, args.semester)).name
            payloads = {name: export.semester_pack(lib, args.grade, args.semester)}
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except planner.PlanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def write(stage: Path) -> None:
        for file_name, payload in payloads.items():
            (stage / file_name).write_bytes(payload)

    outputs.place(args.out, write, "export.py", results_folder=False)
    print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
