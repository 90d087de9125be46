"""Answers about the taxonomy and the classifier."""

from __future__ import annotations

from pydantic import Field

from api.responses.common import Instant, Page, ReadModel
from cases.models import Platform
from cases.taxonomy import Priority


class TimeLimitsRead(ReadModel):
    """The time limit of each step: '2h' working hours, '3wd' working days, '24ch' clock hours."""

    accept: str
    dispatch: str
    handle: str
    feedback: str


class SubCategoryRead(ReadModel):
    """A sub-category cases are filed under, with the defaults of its priority's time limits filled in."""

    code: str
    zh: str
    en: str
    platform: Platform
    department: str
    priority: Priority
    time_limits: TimeLimitsRead
    keywords: list[str]
    phrases: list[str]


class CategoryRead(ReadModel):
    """A category: GB/T 30428 class (component, event) or the four platforms' grassroots matters (governance)."""

    code: str
    cls: str = Field(alias="class", description="component, event or governance")
    zh: str
    en: str
    sub: list[SubCategoryRead]


class TimeLimitsDoc(ReadModel):
    """Time limits as a document gives them: a step left out (null) takes its priority's."""

    accept: str | None = None
    dispatch: str | None = None
    handle: str | None = None
    feedback: str | None = None


class SubCategoryDoc(ReadModel):
    """A sub-category as the document gives it (null: the default)."""

    code: str
    zh: str
    en: str
    platform: str
    department: str | None = None
    priority: str | None = None
    time_limits: TimeLimitsDoc | None = None
    keywords: list[str] = []
    phrases: list[str] = []


class CategoryDoc(ReadModel):
    """A category as the document gives it."""

    code: str
    cls: str = Field(alias="class")
    zh: str
    en: str
    sub: list[SubCategoryDoc]


class TaxonomyDoc(ReadModel):
    """The taxonomy document: what PUT /api/taxonomy takes back."""

    version: int = 1
    time_limits_by_priority: dict[Priority, TimeLimitsDoc] = {}
    categories: list[CategoryDoc]


class TaxonomyRead(ReadModel):
    """The active taxonomy: the document as stored (edit it and PUT it back) and its categories resolved."""

    version: int | None = Field(description="id of the stored version; null: the shipped taxonomy")
    source: str = Field(description="stored or shipped")
    created_at: Instant | None
    created_by: str | None
    note: str
    taxonomy: TaxonomyDoc
    categories: list[CategoryRead]


class TaxonomyVersionRead(ReadModel):
    """One stored version of the taxonomy (the document itself: GET /api/taxonomy for the active one)."""

    id: int
    created_at: Instant
    created_by: str
    note: str
    subcategories: int


TaxonomyVersionPage = Page[TaxonomyVersionRead]


class AlternativeRead(ReadModel):
    """Another sub-category the text could belong to, and its score."""

    code: str
    score: float


class ClassificationRead(ReadModel):
    """The classifier's answer: a sub-category, its platform, how sure (0-1), and whether it goes to triage."""

    code: str
    zh: str
    platform: Platform
    confidence: float
    triage: bool
    min_confidence: float
    alternatives: list[AlternativeRead]
    matched_keywords: list[str]


class CorrectionRead(ReadModel):
    """An operator's correction of the classifier."""

    id: int
    text: str
    predicted: str
    corrected: str
    confidence: float
    channel: str
    corrected_by: str
    corrected_at: Instant
    case_id: int | None
