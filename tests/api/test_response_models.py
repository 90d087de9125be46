"""Every answer has a typed shape in /openapi.json, the models keep up with the records, and the fuzzer's
checks fail on an answer that breaks its documented shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from alerts.models import Alert
from api.app import create_app
from api.responses import (AlertRead, AssignmentRead, AuditEntryRead, CameraRead, CaseEventRead, CaseRead, DeviceRead,
                           IngestCounts, TeamRead)
from api.serialize import case_dict
from audit.models import AuditEntry
from cases.models import Assignment, Case, CaseEvent, Team
from gridwatch.pipeline import IngestStats
from iot.models import Device
from storage import Store, open_store
from tests.api.test_openapi_fuzz import fuzz, open_app
from tests.factories import make_case
from video.models import Camera

# Members whose content depends on the record they carry: the only free-form objects an answer may hold.
FREE_FORM = {("CaseEventRead", "data"), ("AuditEntryRead", "detail"), ("FeedEntryRead", "payload")}
# Media types whose body is not JSON and is documented as a string.
NOT_JSON = ("image/", "video/", "audio/", "text/event-stream")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    store.migrate()
    try:
        yield store
    finally:
        store.close()


def _untyped(schema: dict[str, Any], doc: dict[str, Any], where: str, seen: set[str]) -> Iterator[str]:
    """Yield where a schema, or a schema inside it, lets any object or any value through."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _untyped(doc["components"]["schemas"][name], doc, name, seen | {name})
        return
    parts = [s for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, [])]
    if not parts and "type" not in schema and "const" not in schema and "enum" not in schema:
        yield f"{where}: any value"
    if schema.get("type") == "object" and "properties" not in schema and (
            schema.get("additionalProperties", True) in (True, {})):
        yield f"{where}: any object"
    for name, sub in schema.get("properties", {}).items():
        if (where, name) not in FREE_FORM:
            yield from _untyped(sub, doc, f"{where}.{name}", seen)
    for sub in parts:
        yield from _untyped(sub, doc, where, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _untyped(schema[key], doc, f"{where}[]", seen)


def untyped_answers(app: FastAPI) -> dict[str, list[str]]:
    """Return, per operation and success status, where its documented body is not typed."""
    doc = app.openapi()
    found: dict[str, list[str]] = {}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                label = f"{method.upper()} {path} {status}"
                content = answer.get("content") or {}
                problems = [] if content else ["no body documented"]
                for media_type, body in content.items():
                    if media_type.startswith(NOT_JSON):
                        problems += [] if body.get("schema", {}).get("type") == "string" else [f"{media_type}: no string"]
                    else:
                        problems += list(_untyped(body.get("schema", {}), doc, label, set()))
                if problems:
                    found[label] = problems
    return found


def test_every_success_answer_has_a_typed_body(sqlite_store: Store, tmp_path: Path) -> None:
    assert untyped_answers(create_app(store=sqlite_store, data_dir=tmp_path)) == {}


def test_the_walk_finds_an_untyped_answer(sqlite_store: Store, tmp_path: Path) -> None:
    app = create_app(store=sqlite_store, data_dir=tmp_path)

    @app.get("/api/planted")
    def planted() -> dict[str, Any]:
        return {}

    @app.get("/api/planted-deep", response_model=CaseEventRead)
    def planted_deep() -> dict[str, Any]:
        return {}

    app.openapi_schema = None
    assert list(untyped_answers(app)) == ["GET /api/planted 200"]
    # A free-form member outside FREE_FORM is reported too.
    FREE_FORM.discard(("CaseEventRead", "data"))
    try:
        app.openapi_schema = None
        assert untyped_answers(app)["GET /api/planted-deep 200"] == ["CaseEventRead.data: any object"]
    finally:
        FREE_FORM.add(("CaseEventRead", "data"))


@pytest.mark.parametrize(("model", "record", "left_out"), [
    (CaseRead, Case, {"+overdue"}),
    (AssignmentRead, Assignment, set()),
    (CaseEventRead, CaseEvent, set()),
    (AlertRead, Alert, set()),
    (TeamRead, Team, {"+silent"}),
    (CameraRead, Camera, {"+health", "+live_view"}),
    (DeviceRead, Device, set()),
    (AuditEntryRead, AuditEntry, {"prev_hash"}),
    (IngestCounts, IngestStats, {"_lock"}),
])
def test_a_model_names_every_field_of_its_record(model: Any, record: Any, left_out: set[str]) -> None:
    # FastAPI drops what a model does not name, so a field added to a record would vanish from answers unseen.
    # "+name" in left_out: a member the answer adds to the record (a camera's health, joined from its probes).
    added = {name[1:] for name in left_out if name.startswith("+")}
    assert set(model.model_fields) == {f.name for f in fields(record)} - left_out | added


def _valid_case() -> dict[str, Any]:
    return case_dict(make_case(id=7, satisfaction=4))


# Each answer breaks the documented shape once; the failure titled beside it must be reported.
PLANTS: dict[str, tuple[Callable[[], Response], str]] = {}


def _plant(name: str, check: str, answer: Callable[[], Response]) -> None:
    PLANTS[name] = (answer, check)


_plant("id of the wrong type", "Response violates schema",
       lambda: JSONResponse({**_valid_case(), "id": "seven"}))
_plant("required field missing", "Response violates schema",
       lambda: JSONResponse({k: v for k, v in _valid_case().items() if k != "title"}))
_plant("null where not nullable", "Response violates schema",
       lambda: JSONResponse({**_valid_case(), "status": None}))
_plant("value outside its enum", "Response violates schema",
       lambda: JSONResponse({**_valid_case(), "source": "pigeon"}))
_plant("a time that is not one", "Response violates schema",
       lambda: JSONResponse({**_valid_case(), "created_at": "yesterday"}))
_plant("undocumented status", "Undocumented status code",
       lambda: JSONResponse(_valid_case(), status_code=418))
_plant("undocumented content type", "Undocumented Content-Type",
       lambda: PlainTextResponse("a case"))


def _fuzz_planted(store: Store, data_dir: Path, answer: Callable[[], Response]) -> tuple[list[str], list[int]]:
    app = open_app(store, data_dir)
    app.get("/api/planted", response_model=CaseRead)(answer)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path="/api/planted")
    return fuzz(app, schema, examples=1, headers=lambda client: {})


def test_a_conforming_answer_passes_the_checks(sqlite_store: Store, tmp_path: Path) -> None:
    assert _fuzz_planted(sqlite_store, tmp_path, lambda: JSONResponse(_valid_case())) == ([], [200])


@pytest.mark.parametrize("plant", list(PLANTS))
def test_the_checks_report_an_answer_that_breaks_its_model(sqlite_store: Store, tmp_path: Path, plant: str) -> None:
    answer, check = PLANTS[plant]
    failures, _ = _fuzz_planted(sqlite_store, tmp_path, answer)
    assert len(failures) == 1, failures
    assert failures[0].startswith("GET /api/planted") and check in failures[0], failures[0]
