"""What every command-line tool does with an error: one line saying what and how to fix, exit 2.

    sys.exit(cli.run(main))

Expected problems (a missing or wrongly saved file, a bad calendar, a roster that cannot be
read, an output folder that cannot be used) arrive as exceptions that carry such a line; any
other operating-system error is said in one line too. A real bug still shows its traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .userfiles import UserError

USAGE_ERROR = 2


def _expected() -> tuple[type, ...]:
    from .document import ContentError
    from .export import ExportError
    from .planner import PlanError
    from .profile import ProfileError
    from .training import RosterError
    return (UserError, ContentError, PlanError, RosterError, ExportError, ProfileError)


def one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        where = exc.filename or ""
        what = exc.strerror or exc.__class__.__name__
        return f"{where}: {what} — check the path, that it exists and that you may read and write there"
    return str(exc)


def run(main, argv=None) -> int:
    try:
        return main(argv)
    except KeyboardInterrupt:
        print("interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        return 130
    except _expected() as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return USAGE_ERROR


def grade(value: int | None) -> int | None:
    """A --grade value 1–12, or a UserError."""
    if value is not None and not 1 <= value <= 12:
        raise UserError(f"--grade {value}: grades are 1–12 (1 = 一年级, 7 = 初一, 10 = 高一) — give one of them")
    return value


def existing_file(path: Path | None, what: str) -> Path | None:
    if path is not None and not Path(path).is_file():
        p = Path(path)
        if p.is_dir():
            raise UserError(f"{p}: is a folder, not a {what} — give the path of the file itself")
        raise UserError(f"{p}: no such {what} — check the name and the folder")
    return path


class Parser(argparse.ArgumentParser):
    """argparse with its complaint on one line (no usage block): `error: … — run with --help`."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"error: {message} — run {self.prog} --help for the options\n")
