"""OGC API - Features at /ogc: landing page, conformance, collections, items and one item, as GeoJSON or HTML.

GIS staff open our layers in QGIS and GDAL (OAPIF) with a bearer token or an X-API-Key header; every answer goes
through the same reach and masking as /api.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from access.errors import Forbidden
from access.models import Principal
from access.scopes import has_scope
from api.deps import StoreDep
from api.errors import ErrorBody, InvalidBody
from api.ogc import documents, html
from api.ogc.errors import OgcError, install_ogc_errors, not_found
from api.ogc.query import DEFAULT_LIMIT, MAX_LIMIT, parse_format, parse_items_query, single_values, wants_html
from api.ogc.sources import Source, all_sources, find_source, town_bounds
from api.responses.ogc import (AnyItem, Collections, CollectionRead, Conformance, LandingPage, OgcException,
                               OgcFeatureCollection, Queryables)
from api.security import AnyUser, OpsReader
from storage import Store, UnitOfWork


class GeoJSONResponse(JSONResponse):
    """A GeoJSON answer."""

    media_type = "application/geo+json"


class SchemaJSONResponse(JSONResponse):
    """A JSON Schema answer (queryables)."""

    media_type = "application/schema+json"


HTML_ANSWER = {"text/html": {"schema": {"type": "string"}}}


def _json_body(model: type[BaseModel], description: str) -> dict[str, Any]:
    # Spelt out as application/json: a model alone would be documented in the route's own media type (GeoJSON).
    return {"description": description, "content": {"application/json": {"schema": model.model_json_schema()}}}


REFUSALS: dict[int | str, dict[str, Any]] = {
    400: _json_body(OgcException, "A query parameter the API cannot honour"),
    401: _json_body(ErrorBody, "No valid credentials"),
    403: _json_body(ErrorBody, "The caller's role may not read this collection"),
    404: _json_body(OgcException, "No such collection or feature within your reach"),
    422: _json_body(InvalidBody, "A NUL character in the path or query (refused before any route)"),
}
F_PARAMETER = {"name": "f", "in": "query", "required": False, "description": "json or html (else by Accept)",
               "schema": {"type": "string", "enum": ["json", "html"]}}
ITEMS_PARAMETERS = [
    {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
     "description": f"features per page (default {DEFAULT_LIMIT}; above {MAX_LIMIT} the maximum is used)",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    {"name": "offset", "in": "query", "required": False, "description": "features to skip (the next links set it)",
     "schema": {"type": "integer", "minimum": 0, "default": 0}},
    {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
     "description": "min_lon,min_lat,max_lon,max_lat in CRS84",
     "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}},
    {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
     "description": "an instant or an interval (a/b, ../b, a/..) in RFC 3339; cases: created_at, alerts: raised_at",
     "schema": {"type": "string"}},
    F_PARAMETER,
    *({"name": name, "in": "query", "required": False, "schema": {"type": "string"},
       "description": "a queryable: equal to this value (see /queryables)"}
      for name in ("status", "platform", "category", "grid_code", "parent_code")),
]

router = APIRouter(prefix="/ogc", tags=["ogc"], responses=REFUSALS)
CollectionId = Annotated[str, Path(alias="collectionId", description="grids-level-N, cases, alerts, cameras or teams")]
FeatureId = Annotated[str, Path(alias="featureId", description="the feature's id")]


def _html(request: Request, *allowed: str) -> bool:
    """Check a document request's query (only f here) and return whether to answer in HTML."""
    values = single_values(list(request.query_params.multi_items()), allowed=["f", *allowed])
    return wants_html(parse_format(values.get("f")), request.headers.get("accept", ""))


def _readable(principal: Principal, source: Source) -> bool:
    return has_scope(principal.role, source.scope)


def _source(uow: UnitOfWork, principal: Principal, collection_id: str) -> Source:
    source = find_source(uow, collection_id)
    if source is None:
        raise not_found(f"collection {collection_id!r}: no such collection; see /ogc/collections")
    if not _readable(principal, source):
        raise Forbidden(f"role '{principal.role}' lacks {source.scope} for collection {collection_id!r}")
    return source


@router.get("/", response_model=LandingPage, responses={200: {"content": HTML_ANSWER}},
            openapi_extra={"parameters": [F_PARAMETER]})
def landing(request: Request, _who: AnyUser) -> Response:
    """Return the landing page: links to the API definition, the conformance classes and the collections."""
    as_html = _html(request)
    doc = documents.landing_page(request, html=as_html)
    return html.landing_html(doc) if as_html else JSONResponse(doc)


@router.get("", include_in_schema=False)
def landing_without_slash(request: Request, _who: AnyUser) -> Response:
    """Answer /ogc as /ogc/ (OAPIF:http://host/ogc asks for it without the slash)."""
    return landing(request, _who)


@router.get("/api", include_in_schema=False)
def api_definition(request: Request, _who: AnyUser) -> Response:
    """Return the OpenAPI document of the OGC API, its paths relative to /ogc."""
    return JSONResponse(documents.api_definition(request.app.openapi(), request), media_type=documents.OPENAPI)


@router.get("/conformance", response_model=Conformance, responses={200: {"content": HTML_ANSWER}},
            openapi_extra={"parameters": [F_PARAMETER]})
def conformance(request: Request, _who: AnyUser) -> Response:
    """Return the conformance classes implemented: Part 1 core, GeoJSON, HTML; Part 3 queryables as parameters."""
    as_html = _html(request)
    doc = {"conformsTo": documents.CONFORMANCE}
    if as_html:
        return html.conformance_html(doc, documents.conformance_links(request, html=True))
    return JSONResponse(doc)


@router.get("/collections", response_model=Collections, responses={200: {"content": HTML_ANSWER}},
            openapi_extra={"parameters": [F_PARAMETER]})
def collections(request: Request, store: StoreDep, principal: OpsReader) -> Response:
    """Return every collection the caller may read: a grid level each, cases, alerts, cameras, teams."""
    as_html = _html(request)
    with store.read_only() as uow:
        town = town_bounds(uow)
        described = [documents.describe(request, s, s.extent(uow, principal, town), html=None)
                     for s in all_sources(town) if _readable(principal, s)]
    doc = {"links": documents.collections_links(request, html=as_html), "collections": described}
    return html.collections_html(doc) if as_html else JSONResponse(doc)


@router.get("/collections/{collectionId}", response_model=CollectionRead, responses={200: {"content": HTML_ANSWER}},
            openapi_extra={"parameters": [F_PARAMETER]})
def collection(request: Request, store: StoreDep, principal: OpsReader, collection_id: CollectionId) -> Response:
    """Return one collection's description and extent."""
    as_html = _html(request)
    with store.read_only() as uow:
        source = _source(uow, principal, collection_id)
        doc = documents.describe(request, source, source.extent(uow, principal, town_bounds(uow)), html=as_html)
    return html.collection_html(doc) if as_html else JSONResponse(doc)


@router.get("/collections/{collectionId}/queryables", response_model=Queryables, response_class=SchemaJSONResponse)
def queryables(request: Request, store: StoreDep, principal: OpsReader, collection_id: CollectionId) -> Response:
    """Return the properties the collection's items filter on by equality, as query parameters (Part 3)."""
    single_values(list(request.query_params.multi_items()), allowed=["f"])
    with store.read_only() as uow:
        source = _source(uow, principal, collection_id)
    return SchemaJSONResponse(documents.queryables(request, source))


def _items(request: Request, store: Store, principal: Principal, collection_id: str) -> Response:
    with store.read_only() as uow:
        source = _source(uow, principal, collection_id)
        query = parse_items_query(list(request.query_params.multi_items()), queryables=source.queryables,
                                  temporal=source.temporal is not None)
        features, matched = source.page(uow, principal, query)
    as_html = wants_html(query.format, request.headers.get("accept", ""))
    doc = documents.feature_page(request, source, query, features, matched, at=request.app.state.clock(),
                                 html=as_html)
    if as_html:
        return html.items_html(source.title, doc, f"{documents.collection_url(request, source.id)}/items")
    return GeoJSONResponse(doc)


def _item(request: Request, store: Store, principal: Principal, collection_id: str, feature_id: str) -> Response:
    as_html = _html(request)
    with store.read_only() as uow:
        source = _source(uow, principal, collection_id)
        feature = source.feature(uow, principal, feature_id)
    if feature is None:
        raise not_found(f"feature {feature_id!r}: not in collection {collection_id!r} (or not within your reach)")
    feature = {**feature, "links": documents.feature_links(request, source, feature, html=as_html)}
    return html.item_html(f"{source.title}: {feature_id}", feature) if as_html else GeoJSONResponse(feature)


ITEMS_DOC: dict[str, Any] = {"response_model": OgcFeatureCollection, "response_class": GeoJSONResponse,
                             "responses": {200: {"content": HTML_ANSWER}},
                             "openapi_extra": {"parameters": ITEMS_PARAMETERS}}
ITEM_DOC: dict[str, Any] = {"response_model": AnyItem, "response_class": GeoJSONResponse,
                            "responses": {200: {"content": HTML_ANSWER}},
                            "openapi_extra": {"parameters": [F_PARAMETER]}}


# Cases have routes of their own, ahead of the general ones: their answers carry reporters' personal data, and
# the audit trail records such reads by route (api/audit_trail.py, PERSONAL_READS).
@router.get("/collections/cases/items", **ITEMS_DOC)
def case_items(request: Request, store: StoreDep, principal: OpsReader) -> Response:
    """Return a page of the cases within your reach as GeoJSON (or HTML), reporters masked unless you may read them."""
    return _items(request, store, principal, "cases")


@router.get("/collections/cases/items/{featureId}", **ITEM_DOC)
def case_item(request: Request, store: StoreDep, principal: OpsReader, feature_id: FeatureId) -> Response:
    """Return one case within your reach as a GeoJSON feature (or HTML)."""
    return _item(request, store, principal, "cases", feature_id)


@router.get("/collections/{collectionId}/items", **ITEMS_DOC)
def items(request: Request, store: StoreDep, principal: OpsReader, collection_id: CollectionId) -> Response:
    """Return a page of a collection's features as GeoJSON (or HTML) with next and prev links."""
    return _items(request, store, principal, collection_id)


@router.get("/collections/{collectionId}/items/{featureId}", **ITEM_DOC)
def item(request: Request, store: StoreDep, principal: OpsReader, collection_id: CollectionId,
         feature_id: FeatureId) -> Response:
    """Return one feature of a collection as GeoJSON (or HTML)."""
    return _item(request, store, principal, collection_id, feature_id)


def install(app: FastAPI) -> None:
    """Serve the OGC API at /ogc and answer its refusals as OGC exceptions."""
    install_ogc_errors(app)
    app.include_router(router)
