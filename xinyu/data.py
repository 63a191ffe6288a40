"""Loading the project's data files (vocabularies, configuration, catalogue, contacts)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .paths import DATA


def _load(name: str, root: Path | None = None):
    path = (root or DATA) / name
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=None)
def vocabularies() -> dict:
    vocab = _load("vocabularies.yml")
    vocab["grades"] = {int(k): v for k, v in vocab["grades"].items()}
    return vocab


@lru_cache(maxsize=None)
def config() -> dict:
    return _load("config.yml")


@lru_cache(maxsize=None)
def requirements() -> list[dict]:
    return _load("requirements.yml")


@lru_cache(maxsize=None)
def requirement_ids() -> frozenset[str]:
    return frozenset(r["id"] for r in requirements())


@lru_cache(maxsize=None)
def contacts() -> list[dict]:
    return _load("contacts.yml")


@lru_cache(maxsize=None)
def safety() -> dict:
    return _load("safety.yml")


def stage_of_grade(grade: int) -> str:
    for code, stage in vocabularies()["stages"].items():
        if grade in stage["grades"]:
            return code
    raise KeyError(grade)


def class_minutes(grade: int) -> int:
    stage = vocabularies()["stages"][stage_of_grade(grade)]
    return config()["class_minutes"][stage["class"]]


def label(vocab: str, code, lang: str = "zh") -> str:
    """The reader-facing label of a vocabulary code, in `lang`."""
    entry = vocabularies()[vocab][code]
    return entry.get(lang) or str(code)


@lru_cache(maxsize=None)
def site() -> dict:
    return _load("site.yml")


def section_title(folder: str, lang: str) -> str | None:
    """The navigation name of a docs folder such as "lessons/" or "lessons/grade-07/"."""
    parts = folder.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "lessons" and parts[1].startswith("grade-"):
        return label("grades", int(parts[1][6:]), lang)
    entry = site()["sections"].get(folder)
    return entry[lang] if entry else None
