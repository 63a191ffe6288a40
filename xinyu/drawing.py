"""Line drawings for young children's lessons: SVG files in lessons/drawings/, shown on the
lesson page, on 学习单 (where a child colours or completes them) and in the 课件.

A drawing is a simple black-line SVG a teacher would otherwise draw on the board. The checker
keeps them safe and self-contained (no scripts, no external or embedded images, no text: words
belong in the worksheet, in the reader's font). Word and PowerPoint get a PNG made from the SVG
with libvips (pyvips-binary carries it, so nothing is installed on the system).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

FOLDER = "lessons/drawings"
MAX_BYTES = 60_000
SVG_NS = "{http://www.w3.org/2000/svg}"
FORBIDDEN_TAGS = {"script", "image", "foreignObject", "text", "iframe", "audio", "video", "style"}
RUBY = re.compile(r"\{([^{}|\n]+)\|([^{}|\n]+)\}")     # {汉字|hàn zì}: 拼音 over new characters


def folder(root: Path) -> Path:
    return root / FOLDER


def problems(path: Path) -> list[str]:
    """What is wrong with a drawing file (empty when it is fine)."""
    if not path.exists():
        return [f"{path.name} does not exist in {FOLDER}/"]
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        return [f"{path.name} is {len(raw) // 1000} KB; a line drawing stays under {MAX_BYTES // 1000} KB"]
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        return [f"{path.name} is not valid SVG ({exc})"]
    out = []
    if root.tag not in ("svg", f"{SVG_NS}svg"):
        out.append(f"{path.name} is not an SVG file")
    if not root.get("viewBox"):
        out.append(f"{path.name} has no viewBox, so it cannot be scaled to the page")
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        if tag in FORBIDDEN_TAGS:
            out.append(f"{path.name} contains <{tag}>: drawings are lines and shapes only (words go in the worksheet)")
        for name, value in el.attrib.items():
            local = name.split("}")[-1]
            if local.startswith("on"):
                out.append(f"{path.name} has an event attribute {local}")
            if local == "href" and not value.startswith("#"):
                out.append(f"{path.name} refers to another file ({value})")
            if "url(" in value and "url(#" not in value:
                out.append(f"{path.name} refers to an outside resource in {local}")
    return sorted(set(out))


def aspect(path: Path) -> float:
    """Width / height from the viewBox."""
    box = ET.fromstring(path.read_bytes()).get("viewBox", "0 0 1 1").replace(",", " ").split()
    w, h = float(box[2]), float(box[3])
    return w / h if h else 1.0


@lru_cache(maxsize=256)
def _png(data: bytes, height_px: int) -> bytes:
    import pyvips
    probe = pyvips.Image.svgload_buffer(data)
    scale = height_px / max(1, probe.height)
    image = pyvips.Image.svgload_buffer(data, scale=scale)
    if image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    return image.write_to_buffer(".png", strip=True)


def png(path: Path, height_cm: float, dpi: int = 200) -> bytes:
    """The drawing as a PNG of the given printed height (white background)."""
    return _png(path.read_bytes(), max(16, round(height_cm / 2.54 * dpi)))


def plain(text: str) -> str:
    """Text without 拼音 marks: {汉字|hàn zì} → 汉字."""
    return RUBY.sub(r"\1", text)


def with_pinyin_in_brackets(text: str) -> str:
    """For places without ruby (slides): {汉字|hàn zì} → 汉字（hàn zì）."""
    return RUBY.sub(r"\1（\2）", text)
