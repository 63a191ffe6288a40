"""Where things live in the project. One place, so a moved folder is a one-line change."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOCS = ROOT / "docs"
CONTENT_DIRS = {
    "lesson": ROOT / "lessons",
    "parent": ROOT / "parents",
    "training": ROOT / "training",
}
