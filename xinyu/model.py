"""The content model: front-matter schemas for lessons, parent modules and training units.

Vocabulary codes are checked against data/vocabularies.yml; requirement ids against
data/requirements.yml. The schemas are documented on the contributor page of the site,
which is generated from these classes and the vocabularies.
"""
from __future__ import annotations

import re
from typing import ClassVar, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import data


def _check_codes(values, vocab: str):
    allowed = data.vocabularies()[vocab]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(f"unknown {vocab} code(s) {', '.join(map(str, bad))}; use one of: {', '.join(map(str, allowed))}")
    if len(set(values)) != len(values):
        raise ValueError("a code is listed twice")
    return values


def _check_requirements(values):
    known = data.requirement_ids()
    bad = [v for v in values if v not in known]
    if bad:
        raise ValueError(f"unknown requirement id(s) {', '.join(bad)}; ids are listed in data/requirements.yml")
    return values


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, description="标题（中文）")
    title_en: Optional[str] = Field(None, description="English title, shown on the English site")
    summary: str = Field(min_length=8, description="一句话简介")
    requirements: list[str] = Field(default_factory=list, description="requirement ids this item serves (data/requirements.yml)")
    sensitivity: Literal["standard", "care", "high"] = Field("standard", description="standard | care | high")
    tags: list[str] = Field(default_factory=list, description="short Chinese tags")

    _check_req = field_validator("requirements")(classmethod(lambda cls, v: _check_requirements(v)))


class Objectives(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    cognitive: str = Field(alias="认知", min_length=6)
    affective: str = Field(alias="情感", min_length=6)
    behavioural: str = Field(alias="行为", min_length=6)


LESSON_ID = re.compile(r"^g(0[1-9]|1[0-2])-(au|sp)-[a-z0-9]+(-[a-z0-9]+)*$")
CLASS_MEETING_ID = re.compile(r"^b(0[1-9]|1[0-2])-(au|sp)-[a-z0-9]+(-[a-z0-9]+)*$")


class _GradedMeta(_Meta):
    """Fields and checks shared by lessons and 班会微课: an id that names grade and semester."""
    ID_PATTERN: ClassVar[re.Pattern] = LESSON_ID
    ID_EXAMPLE: ClassVar[str] = "g07-au-hello-junior-high (g + two-digit grade, au|sp, a lowercase slug)"

    id: str = Field(description="gNN-au-slug / gNN-sp-slug; stable, unique, equals the file name")
    grade: int = Field(ge=1, le=12, description="1–12")
    semester: Literal["autumn", "spring"]
    weeks: list[int] = Field(min_length=1, description="suggested teaching weeks (1–21)")

    @field_validator("id")
    @classmethod
    def _id(cls, v):
        if not cls.ID_PATTERN.match(v):
            raise ValueError(f"id must look like {cls.ID_EXAMPLE}")
        return v

    @field_validator("weeks")
    @classmethod
    def _weeks(cls, v):
        if any(w < 1 or w > 21 for w in v):
            raise ValueError("weeks are teaching weeks of a semester, from 1 to 21")
        return v

    @model_validator(mode="after")
    def _id_matches(self):
        grade, sem = int(self.id[1:3]), self.id[4:6]
        if grade != self.grade:
            raise ValueError(f"id says grade {grade} but grade is {self.grade}; make them agree")
        if {"au": "autumn", "sp": "spring"}[sem] != self.semester:
            raise ValueError(f"id says '{sem}' but semester is {self.semester}; make them agree")
        return self


class LessonMeta(_GradedMeta):
    duration: int = Field(ge=20, le=90, description="minutes; equals the class length of the grade (data/config.yml)")
    topics: list[str] = Field(min_length=1, max_length=3, description="topic codes")
    moment: Optional[Literal["enrolment", "exam-before", "exam-after", "graduation"]] = None
    focus: list[str] = Field(default_factory=list, description="focus codes")
    methods: list[str] = Field(min_length=1, description="activity methods")
    slots: list[str] = Field(min_length=1, description="timetable slots (COURSE-SLOTS)")
    objectives: Objectives
    materials: list[str] = Field(min_length=1)
    characters: Optional[list[str]] = Field(None, description="fictional names in the text (each in at most 6 items of the library); required in format 2, [] if none")
    revisits: list[str] = Field(default_factory=list, description="ids of earlier lessons whose activity this one deliberately builds on (say what is new in 设计依据)")
    format: Literal[1, 2] = Field(1, description="2: the 教案 layout of docs/contribute.md (学情分析, 设计依据, 板书设计, 学习评价, 核心/可选 steps, worksheet blocks)")
    lesson_type: Optional[str] = Field(None, description="课型 (lesson_types); required in format 2")
    student_aims: list[str] = Field(default_factory=list, max_length=3, description="1–3 aims in the students' own words, for the 课件; required in format 2")

    @field_validator("lesson_type")
    @classmethod
    def _lesson_type(cls, v):
        if v is not None:
            _check_codes([v], "lesson_types")
        return v

    @field_validator("student_aims")
    @classmethod
    def _aims(cls, v):
        long = [a for a in v if len(a) > 30]
        if long:
            raise ValueError(f"'{long[0]}' is longer than 30 characters; aims on a slide are short, in the students' words")
        return v

    @model_validator(mode="after")
    def _format2(self):
        if self.format == 2:
            if not self.lesson_type:
                raise ValueError("a format-2 lesson names its 课型: add lesson_type (one of data/vocabularies.yml lesson_types)")
            if not self.student_aims:
                raise ValueError("a format-2 lesson has student_aims: 1–3 aims in the students' words for the 课件")
            if self.characters is None:
                raise ValueError("a format-2 lesson lists its fictional names in characters (characters: [] if there are none)")
        return self

    _topics = field_validator("topics")(classmethod(lambda cls, v: _check_codes(v, "topics")))
    _focus = field_validator("focus")(classmethod(lambda cls, v: _check_codes(v, "focus")))
    _methods = field_validator("methods")(classmethod(lambda cls, v: _check_codes(v, "methods")))
    _slots = field_validator("slots")(classmethod(lambda cls, v: _check_codes(v, "slots")))



class ParentMeta(_Meta):
    id: str = Field(pattern=r"^p-[a-z0-9]+(-[a-z0-9]+)*$", description="p-slug")
    stage: str = Field(description="parent stage code")
    semester: Literal["autumn", "spring", "any"]
    topics: list[str] = Field(min_length=1, description="parent topic codes")
    reading_minutes: int = Field(ge=1, description="minutes to read the reading page")
    session_minutes: int = Field(description="length of the 家长学校 session")

    @field_validator("stage")
    @classmethod
    def _stage(cls, v):
        _check_codes([v], "parent_stages")
        return v

    _topics = field_validator("topics")(classmethod(lambda cls, v: _check_codes(v, "parent_topics")))

    @field_validator("reading_minutes")
    @classmethod
    def _reading(cls, v):
        top = data.config()["parent_reading_minutes_max"]
        if v > top:
            raise ValueError(f"a parent reading page takes at most {top} minutes on a phone; shorten it")
        return v

    @field_validator("session_minutes")
    @classmethod
    def _session(cls, v):
        lim = data.config()["parent_session_minutes"]
        if not lim["min"] <= v <= lim["max"]:
            raise ValueError(f"a 家长学校 session runs {lim['min']}–{lim['max']} minutes")
        return v


class TrainingMeta(_Meta):
    id: str = Field(pattern=r"^t-[a-z0-9]+(-[a-z0-9]+)*$", description="t-slug")
    roles: list[str] = Field(min_length=1, description="role codes")
    types: list[str] = Field(min_length=1, description="training type codes")
    hours: float = Field(gt=0, le=8, description="hours; the agenda adds up to hours × 60 minutes")
    topics: list[str] = Field(min_length=1, description="training topic codes")

    _roles = field_validator("roles")(classmethod(lambda cls, v: _check_codes(v, "roles")))
    _types = field_validator("types")(classmethod(lambda cls, v: _check_codes(v, "training_types")))
    _topics = field_validator("topics")(classmethod(lambda cls, v: _check_codes(v, "training_topics")))


class ClassMeetingMeta(_GradedMeta):
    """A 班会微课: a 15–20 minute segment a 班主任 runs in a class meeting (班团队会, plan 一(三)1),
    for example around an exam window, with the same rigour as a lesson."""
    ID_PATTERN: ClassVar[re.Pattern] = CLASS_MEETING_ID
    ID_EXAMPLE: ClassVar[str] = "b07-au-before-the-midterm (b + two-digit grade, au|sp, a lowercase slug)"

    id: str = Field(description="bNN-au-slug / bNN-sp-slug; equals the file name, in lessons/grade-NN/")
    duration: int = Field(ge=15, le=20, description="minutes: 15–20, a segment of a class meeting")
    topics: list[str] = Field(min_length=1, max_length=3, description="topic codes")
    moment: Optional[Literal["enrolment", "exam-before", "exam-after", "graduation"]] = None
    objectives: Objectives
    materials: list[str] = Field(default_factory=list)
    characters: list[str] = Field(default_factory=list, description="fictional names in the text")
    revisits: list[str] = Field(default_factory=list, description="ids of earlier lessons whose activity this one builds on")

    _topics = field_validator("topics")(classmethod(lambda cls, v: _check_codes(v, "topics")))


class OverviewMeta(BaseModel):
    """A grade's semester overview: its aims and how the lessons build on each other."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["overview"]
    grade: int = Field(ge=1, le=12)
    semester: Literal["autumn", "spring"]
    title: str = Field(min_length=2)
    title_en: Optional[str] = None

    # Overviews are read by teachers only, carry no requirement and need no help notice.
    sensitivity: ClassVar[str] = "standard"
    requirements: ClassVar[list] = []
    tags: ClassVar[list] = []
    summary: ClassVar[str] = ""

    @property
    def id(self) -> str:
        return f"g{self.grade:02d}-{'au' if self.semester == 'autumn' else 'sp'}-overview"


SCHEMAS = {"lesson": LessonMeta, "classmeeting": ClassMeetingMeta, "parent": ParentMeta, "training": TrainingMeta,
           "overview": OverviewMeta}

# Required level-2 sections, in order. Read by the checker, the scaffold and the contributor page.
REQUIRED_SECTIONS = {
    "lesson": ["教学目标", "教学重难点", "教学准备", "教学过程", "差异化与备用方案", "课后延伸", "家校链接", "安全提示"],
    "parent": ["这周可以试试的三件事", "需要帮助时", "家长学校活动方案", "家长常问", "一页讲义"],
    "training": ["培训目标", "培训安排", "主持人提示", "案例研讨", "练习", "理解检测", "反馈表"],
    "overview": ["本学期目标", "课程脉络"],
    "classmeeting": ["活动目标", "活动准备", "活动过程", "安全提示"],
}
# Format 2 (docs/contribute.md): the layout a Beijing 教研 expects for an observed lesson.
LESSON_SECTIONS_2 = ["学情分析", "设计依据", "教学目标", "教学重难点", "教学准备", "教学过程", "板书设计", "学习评价",
                     "差异化与备用方案", "课后延伸", "家校链接", "安全提示"]


def required_sections(kind: str, meta) -> list[str]:
    """The level-2 sections an item of this kind (and, for lessons, this format) must have."""
    if kind == "lesson" and getattr(meta, "format", 1) == 2:
        return LESSON_SECTIONS_2
    return REQUIRED_SECTIONS[kind]


# The section whose level-3 headings are timed steps, and the front-matter field they add up to.
TIMED_SECTION = {"lesson": "教学过程", "classmeeting": "活动过程", "parent": "家长学校活动方案", "training": "培训安排"}
