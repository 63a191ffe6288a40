"""Placing a tool's output files without ever losing a user's file.

Every command that writes files (assign, export, plan, bundle) writes them first into a new
temporary folder beside the target, then moves them into place one by one. It never deletes the
target folder and never removes or overwrites a file it did not make: what it made is listed in
a manifest (`.xinyu-outputs.json`) in the target folder, per tool.

- A *results folder* (assign.py --out, bundle.py --out) belongs to the tool: the previous run's
  own files are replaced by the new ones. The tool refuses the current folder, a home folder,
  the root of a drive, or a folder holding files it does not recognise, unless told --force; and
  then it still removes only its own previous outputs.
- A *drop folder* (plan.py --out, export.py --out) is the user's: the tool adds its files and
  replaces only files of the same name that it made itself; anything else of that name is refused.

A file that cannot be replaced (open in Excel or Word on Windows) leaves all previous results
as they were and names the file to close.
"""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .userfiles import UserError

MANIFEST = ".xinyu-outputs.json"


class OutputError(UserError):
    """The output folder cannot be used or the files cannot be placed; nothing was lost."""


def _manifest(target: Path) -> dict[str, list[str]]:
    try:
        value = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        return {k: list(v) for k, v in value.items()} if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def _refused_place(target: Path) -> str | None:
    here = Path.cwd().resolve()
    home = Path.home().resolve()
    t = target.resolve()
    if t == here:
        return "is the current folder"
    if t == home or t.parent == Path("/home") or t == Path("/root"):
        return "is a home folder"
    if t == Path(t.anchor):
        return "is the root of the drive"
    if t in here.parents or t in home.parents:
        return "holds the current folder or a home folder"
    return None


def _short(names: list[str], n: int = 3) -> str:
    shown = ", ".join(names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")


def place(target: Path, write: Callable[[Path], None], tool: str, *, results_folder: bool,
          force: bool = False, known: tuple[str, ...] = ()) -> list[Path]:
    """Run `write(stage)` to make the outputs in a temporary folder, then move them into
    `target`. `known`: name patterns of files this tool made before it kept a manifest (they
    count as its own). Returns the paths placed."""
    target = Path(target).absolute()
    for folder in (target, *target.parents):
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"{folder}: is a file, not a folder — give --out a folder")
            break
    if results_folder and not force:
        why = _refused_place(target)
        if why:
            raise OutputError(f"--out {target} {why}; {tool} keeps its results in a folder of their own — "
                              "give a new folder name (e.g. --out 结果), or add --force to write there anyway (other files are kept)")
    manifest = _manifest(target) if target.is_dir() else {}
    own_before = set(manifest.get(tool, []))
    own_before |= {f for f in (_files_under(target) if target.is_dir() else [])
                   if any(fnmatch.fnmatch(f, pat) for pat in known)}
    if results_folder and target.is_dir() and not force:
        foreign = [f for f in _files_under(target) if f != MANIFEST and f not in own_before
                   and not any(f in files for other, files in manifest.items() if other != tool)]
        if foreign:
            raise OutputError(f"--out {target} holds files {tool} did not make ({_short(foreign)}); "
                              "give a new or empty folder, or add --force to write beside them (they are kept)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name or 'out'}-{tool}-", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write in {target.parent} ({exc.strerror or exc}) — choose a folder you can write to with --out") from None
    try:
        new_dir, old_dir = stage / "new", stage / "old"
        new_dir.mkdir()
        old_dir.mkdir()
        write(new_dir)
        new = _files_under(new_dir)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot make the folder {target} ({exc.strerror or exc}) — choose another --out") from None
        for f in new:
            dest = target / f
            if (dest.exists() or dest.is_symlink()) and f not in own_before:
                if dest.is_file() and not dest.is_symlink() and dest.read_bytes() == (new_dir / f).read_bytes():
                    continue     # the same bytes: nothing of the user's would be lost
                raise OutputError(f"{dest} exists and was not made by {tool} — rename or move it, then run again")
        # Old own files that the new run replaces (or, in a results folder, no longer makes) go aside first.
        aside = [f for f in sorted(own_before) if (target / f).is_file() and (results_folder or f in new)]
        moved: list[str] = []
        placed: list[str] = []
        current = ""

        def undo():
            for f in placed:
                try:
                    os.unlink(target / f)
                except OSError:
                    pass
            for f in moved:
                try:
                    os.replace(old_dir / f, target / f)
                except OSError:
                    pass

        try:
            for current in aside:
                (old_dir / current).parent.mkdir(parents=True, exist_ok=True)
                os.replace(target / current, old_dir / current)
                moved.append(current)
            for current in new:
                (target / current).parent.mkdir(parents=True, exist_ok=True)
                os.replace(new_dir / current, target / current)
                placed.append(current)
        except PermissionError:
            undo()
            raise OutputError(f"{target / current} is open in another program or read-only — close it (Excel, Word, WPS) "
                              "and run again; the previous results are unchanged") from None
        except OSError as exc:
            undo()
            raise OutputError(f"cannot write into {target} ({exc.strerror or exc}) — check the folder and the free space; "
                              "the previous results are unchanged") from None
        mine = sorted(set(new) | (set() if results_folder else {f for f in own_before if (target / f).exists()}))
        manifest[tool] = mine
        tmp = stage / MANIFEST
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        try:
            os.replace(tmp, target / MANIFEST)
        except OSError:
            pass        # the files are in place; only the record of them is missing
        for f in aside:                     # folders left empty by old outputs
            d = (target / f).parent
            while d != target and d.is_dir() and not any(d.iterdir()):
                d.rmdir()
                d = d.parent
        return [target / f for f in new]
    finally:
        shutil.rmtree(stage, ignore_errors=True)
