"""Loading the project's data files (vocabularies, configuration, catalogue, contacts)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .paths import DATA


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when available: much faster


def load_yaml(name: str, root: Path | None = None):
    """A YAML file of data/ (or of `root`)."""
    path = (root or DATA) / name
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=LOADER)


_CACHED: list = []


def cached(fn):
    """Read once per build: like lru_cache, but `reload()` forgets it again."""
    fn = lru_cache(maxsize=None)(fn)
    _CACHED.append(fn)
    return fn


def reload() -> None:
    """Forget every data file read so far. `mkdocs serve` keeps this process between rebuilds,
    so the site hook calls this at the start of each build to pick up edits to data/."""
    for fn in _CACHED:
        fn.cache_clear()


@cached
def vocabularies() -> dict:
    vocab = load_yaml("vocabularies.yml")
    vocab["grades"] = {int(k): v for k, v in vocab["grades"].items()}
    return vocab


@cached
def config() -> dict:
    return load_yaml("config.yml")


@cached
def requirements() -> list[dict]:
    return load_yaml("requirements.yml")


@cached
def requirement_ids() -> frozenset[str]:
    return frozenset(r["id"] for r in requirements())


@cached
def contacts() -> list[dict]:
    return load_yaml("contacts.yml")


@cached
def activities() -> list[dict]:
    return load_yaml("activities.yml") or []


@cached
def safety() -> dict:
    return load_yaml("safety.yml")


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


@cached
def site() -> dict:
    return load_yaml("site.yml")


def section_title(folder: str, lang: str) -> str | None:
    """The navigation name of a docs folder such as "lessons/" or "lessons/grade-07/"."""
    parts = folder.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "lessons" and parts[1].startswith("grade-"):
        return label("grades", int(parts[1][6:]), lang)
    entry = site()["sections"].get(folder)
    return entry[lang] if entry else None


@cached
def tags() -> tuple[frozenset[str], dict[str, str]]:
    """The curated tags (data/tags.yml) and, for each merged near-duplicate, the tag to use."""
    entries = load_yaml("tags.yml")["tags"]
    aliases = {alias: tag for tag, merged in entries.items() for alias in (merged or [])}
    return frozenset(entries), aliases


# --------------------------------------------------------------------------- the school edition
# The one place the rest of the code asks for the active school profile (SCHOOL=path/to/school.yml,
# see xinyu/profile.py). Without one, the site is the district edition.

@cached
def profile():
    """The active school profile (xinyu.profile.School), or None. A bad profile raises
    profile.ProfileError with every problem as path:line: problem — fix."""
    from . import profile as school
    path = school.active_path()
    return school.load(path) if path else None


def grades() -> list[int]:
    """The grades the site covers: the school's, or all of them."""
    p = profile()
    return list(p.grades) if p else list(vocabularies()["grades"])


def period_minutes(grade: int) -> int:
    """The length of one period in the school (its profile), else the district's class length."""
    p = profile()
    key = vocabularies()["stages"][stage_of_grade(grade)]["class"]
    if p and key in p.class_minutes:
        return p.class_minutes[key]
    return class_minutes(grade)


@cached
def calendar() -> dict:
    """The calendar plans are made on: the school's, or the district's default."""
    from . import planner
    p = profile()
    return p.calendar if p else planner.load_calendar()


def school_name(lang: str = "zh") -> str | None:
    p = profile()
    return p.name[lang] if p else None
