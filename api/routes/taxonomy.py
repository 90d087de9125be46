"""The taxonomy (read by the ops side, edited by admins, every edit a version) and the classifier's HTTP face."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import CaseClockDep, ClockDep, PagingDep, StoreDep
from api.responses.common import Page
from api.responses.taxonomy import (ClassificationRead, CorrectionRead, TaxonomyRead, TaxonomyVersionPage,
                                    TaxonomyVersionRead)
from api.schemas_taxonomy import ClassifyRequest, CorrectionBody, TaxonomyPut
from api.security import AlertCommander, OpsReader, TaxonomyAdmin
from cases.classify import DEFAULT_MIN_CONFIDENCE, build_classifier, write_labelled_csv
from cases.taxonomy import SubCategory, Taxonomy, parse_taxonomy
from cases.taxonomy_service import (active_taxonomy, all_corrections, corrections_as_training, record_correction,
                                    replace_taxonomy)
from cases.taxonomy_store import Correction, TaxonomyVersion

router = APIRouter(tags=["taxonomy"])


def _sub(sub: SubCategory) -> dict[str, Any]:
    return {"code": sub.code, "zh": sub.zh, "en": sub.en, "platform": sub.platform.value,
            "department": sub.department, "priority": sub.priority.value, "time_limits": sub.time_limits,
            "keywords": list(sub.keywords), "phrases": list(sub.phrases)}


def _taxonomy(taxonomy: Taxonomy, version: TaxonomyVersion | None) -> dict[str, Any]:
    return {"version": version.id if version else None, "source": "stored" if version else "shipped",
            "created_at": version.created_at if version else None,
            "created_by": version.created_by if version else None, "note": version.note if version else "",
            "taxonomy": taxonomy.doc,
            "categories": [{"code": g.code, "class": g.cls, "zh": g.zh, "en": g.en, "sub": [_sub(s) for s in g.sub]}
                           for g in taxonomy.groups]}


def _version(version: TaxonomyVersion) -> dict[str, Any]:
    try:
        count = len(parse_taxonomy(version.doc).subcategories)
    except ValueError:
        count = 0
    return {"id": version.id, "created_at": version.created_at, "created_by": version.created_by,
            "note": version.note, "subcategories": count}


def _correction(correction: Correction) -> dict[str, Any]:
    return {"id": correction.id, "text": correction.text, "predicted": correction.predicted,
            "corrected": correction.corrected, "confidence": correction.confidence, "channel": correction.channel,
            "corrected_by": correction.corrected_by, "corrected_at": correction.corrected_at,
            "case_id": correction.case_id}


def _min_confidence(request: Request) -> float:
    return getattr(request.app.state, "classify_min_confidence", DEFAULT_MIN_CONFIDENCE)


@router.get("/api/taxonomy", response_model=TaxonomyRead)
def get_taxonomy(store: StoreDep, _who: OpsReader) -> dict[str, Any]:
    """Return the active taxonomy: the latest stored version, or the shipped one."""
    with store.read_only() as uow:
        taxonomy, version = active_taxonomy(versions=uow.taxonomy_versions)
    return _taxonomy(taxonomy, version)


@router.put("/api/taxonomy", response_model=TaxonomyRead)
def put_taxonomy(body: TaxonomyPut, store: StoreDep, clock: ClockDep, who: TaxonomyAdmin,
                 case_clock: CaseClockDep) -> dict[str, Any]:
    """Store a whole new taxonomy as the active version; 422 naming the path of the first thing wrong."""
    with store.unit_of_work() as uow:
        version = replace_taxonomy(versions=uow.taxonomy_versions, cases=uow.cases, doc=body.taxonomy,
                                   who=who.actor, note=body.note, at=clock())
    case_clock.invalidate()  # committed: new cases take its time limits at once
    return _taxonomy(parse_taxonomy(version.doc), version)


@router.get("/api/taxonomy/versions", response_model=TaxonomyVersionPage)
def list_taxonomy_versions(store: StoreDep, paging: PagingDep, _who: OpsReader) -> dict[str, Any]:
    """Return the stored taxonomy versions, newest first."""
    with store.read_only() as uow:
        versions = uow.taxonomy_versions.list(limit=paging.limit, offset=paging.offset)
        total = uow.taxonomy_versions.count()
    return {"items": [_version(v) for v in versions], "total": total, "limit": paging.limit,
            "offset": paging.offset}


@router.post("/api/classify", response_model=ClassificationRead)
def classify_text(body: ClassifyRequest, request: Request, store: StoreDep, _who: OpsReader) -> dict[str, Any]:
    """Classify a report's free text against the active taxonomy; below the threshold it says triage."""
    with store.read_only() as uow:
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
    min_confidence = _min_confidence(request)
    answer = build_classifier(taxonomy, min_confidence=min_confidence).classify(body.text)
    sub = taxonomy.subcategories[answer.code]
    return {"code": answer.code, "zh": sub.zh, "platform": sub.platform.value, "confidence": answer.confidence,
            "triage": answer.triage, "min_confidence": min_confidence,
            "alternatives": [{"code": c, "score": s} for c, s in answer.alternatives],
            "matched_keywords": list(answer.matched_keywords)}


@router.post("/api/classify/corrections", status_code=201, response_model=CorrectionRead)
def post_correction(body: CorrectionBody, store: StoreDep, clock: ClockDep, who: AlertCommander) -> dict[str, Any]:
    """Record an operator's correction of the classifier (training data for the next model)."""
    with store.unit_of_work() as uow:
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
        correction = record_correction(corrections=uow.classification_corrections, taxonomy=taxonomy,
                                       text=body.text, predicted=body.predicted, corrected=body.corrected,
                                       confidence=body.confidence, who=who.actor, at=clock(), channel=body.channel,
                                       case_id=body.case_id)
    return _correction(correction)


@router.get("/api/classify/corrections", response_model=Page[CorrectionRead])
def list_corrections(store: StoreDep, paging: PagingDep, _who: AlertCommander) -> dict[str, Any]:
    """Return operators' corrections, oldest first."""
    with store.read_only() as uow:
        items = uow.classification_corrections.list(limit=paging.limit, offset=paging.offset)
        total = uow.classification_corrections.count()
    return {"items": [_correction(c) for c in items], "total": total, "limit": paging.limit, "offset": paging.offset}


@router.get("/api/classify/corrections.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "text,category,channel: the labelled set's columns"}})
def export_corrections(store: StoreDep, _who: AlertCommander) -> Response:
    """Return every correction as training data (the labelled set's columns; the operator's code is the label)."""
    with store.read_only() as uow:
        corrections = all_corrections(corrections=uow.classification_corrections)
    return Response(write_labelled_csv(corrections_as_training(corrections)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="corrections.csv"'})
