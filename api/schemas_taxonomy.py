"""Request bodies of the taxonomy and the classifier."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.schemas import Strict


class TaxonomyPut(Strict):
    """A whole taxonomy document (as GET /api/taxonomy returns it under 'taxonomy') and why it changed."""

    taxonomy: dict[str, Any]
    note: str = Field("", max_length=500)


class ClassifyRequest(Strict):
    """Free text of a report to classify."""

    text: str = Field(min_length=1, max_length=4000)


class CorrectionBody(Strict):
    """An operator's correction: the text, what the classifier said and with what confidence, what it really is."""

    text: str = Field(min_length=1, max_length=4000)
    predicted: str = Field(min_length=1, max_length=48)
    corrected: str = Field(min_length=1, max_length=48)
    confidence: float = Field(ge=0.0, le=1.0)
    channel: str = Field("unknown", max_length=32)
    case_id: int | None = Field(None, ge=1)
