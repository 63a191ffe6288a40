"""Reading the files users bring: content, calendars and rosters, in whatever their editor saved.

Every problem a user can fix is a UserError whose message is one line, `what — how to fix`; the
command-line tools print it and exit with status 2 (see xinyu/cli.py).
"""
from __future__ import annotations

from pathlib import Path

SAVE_AS_UTF8 = "save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"
MAX_CONTENT_BYTES = 200 * 1024


class UserError(Exception):
    """A problem with a user's file or request, said in one line: what, and how to fix it."""


class EncodingProblem(UserError):
    """A text file saved in an encoding other than UTF-8."""

    def __init__(self, path: Path, encoding: str):
        super().__init__(f"{path}: saved as {encoding} — {SAVE_AS_UTF8}")
        self.path, self.encoding = path, encoding


def read_bytes(path: Path, what: str = "file") -> bytes:
    """The bytes of a file, or a UserError naming it: missing, a folder, unreadable."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such {what} — check the name and the folder") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a {what} — give the path of the file itself") from None
    except PermissionError:
        raise UserError(f"{path}: cannot be read (no permission) — copy it somewhere you can read, or ask IT for access") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc}) — check the path") from None


def encoding_of(raw: bytes) -> str:
    """'UTF-8', 'UTF-16', 'GBK' or 'unknown' (GBK covers GB2312 and GB18030)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        return "UTF-16"
    try:
        raw.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "GBK"
    except UnicodeDecodeError:
        return "unknown"


def decode_utf8(raw: bytes, path: Path) -> str:
    """UTF-8 text with or without a BOM; anything else is an EncodingProblem naming the file."""
    enc = encoding_of(raw)
    if enc != "UTF-8":
        raise EncodingProblem(path, "an unknown encoding" if enc == "unknown" else enc)
    text = raw.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: Path, what: str = "file") -> str:
    """A UTF-8 text file (BOM or not); GBK, GB18030 and UTF-16 give a one-line message."""
    return decode_utf8(read_bytes(path, what), Path(path))
