"""Office files (Word, PowerPoint, zip packs) that are the same bytes for the same content."""
from __future__ import annotations

import io
import zipfile

ZIP_TIME = (2025, 9, 1, 0, 0, 0)        # one fixed time on every part


def fixed_times(package: bytes) -> bytes:
    """An Office file (a zip) repacked with one fixed time on every part: python-docx and
    python-pptx stamp each part with the current time, so the same content would differ."""
    out = io.BytesIO()
    # Level 1: the parts are small XML; a higher level costs more time than it saves in size.
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename), compresslevel=1)
    return out.getvalue()
