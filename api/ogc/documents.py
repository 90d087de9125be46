"""The OGC API's JSON documents: landing page, conformance, collection descriptions, queryables, feature pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request

from api.ogc.links import GEOJSON, HTML, JSON, base_url, collection_url, link, paging_links, self_and_alternate
from api.ogc.query import ItemsQuery
from api.ogc.sources import Extent, Source

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
# FastAPI writes OpenAPI 3.1, and GDAL accepts no vnd.oai type but 3.0's: plain JSON is what both agree on.
OPENAPI = "application/json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SCHEMA_JSON = "application/schema+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]


def landing_page(request: Request, *, html: bool) -> dict[str, Any]:
    """Return the landing page: the API description, the conformance classes and the collections."""
    root = base_url(request)
    return {
        "title": "gridwatch OGC API - Features",
        "description": "The town's grids by level, cases, alerts, cameras and teams, under the API's access rules.",
        "links": [
            *self_and_alternate(f"{root}/", [], json_type=JSON, html=html, title="This document"),
            link(f"{root}/api", "service-desc", OPENAPI, "The API definition (OpenAPI 3.1)"),
            link(str(request.base_url).rstrip("/") + "/docs", "service-doc", HTML, "The API documentation"),
            link(f"{root}/conformance", "conformance", JSON, "Conformance classes implemented"),
            link(f"{root}/collections", "data", JSON, "The collections"),
        ],
    }


def api_definition(whole: dict[str, Any], request: Request) -> dict[str, Any]:
    """Return the OpenAPI document of the OGC API alone: its paths relative to /ogc, which is its server.

    Clients read an items path's parameters as "/collections/{collectionId}/items" under the API's root (GDAL
    then sends queryables to the server instead of filtering every page itself).
    """
    paths = {path[len("/ogc"):] or "/": item for path, item in whole["paths"].items()
             if path == "/ogc/" or path.startswith("/ogc/")}
    return {**whole, "info": {**whole["info"], "title": "gridwatch OGC API - Features"},
            "servers": [{"url": base_url(request)}], "paths": paths}


def conformance_links(request: Request, *, html: bool) -> list[dict[str, Any]]:
    """Return the conformance document's own links."""
    return self_and_alternate(f"{base_url(request)}/conformance", [], json_type=JSON, html=html, title="Conformance")


def _instant(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def describe(request: Request, source: Source, extent: Extent, *, html: bool | None) -> dict[str, Any]:
    """Return a collection's description; html None: as listed in /collections (self is the JSON form)."""
    url = collection_url(request, source.id)
    own = self_and_alternate(url, [], json_type=JSON, html=bool(html), title=source.title)
    links = [*own,
             link(f"{url}/items?f=json", "items", GEOJSON, f"{source.title} as GeoJSON"),
             link(f"{url}/items?f=html", "items", HTML, f"{source.title} as HTML"),
             link(f"{url}/queryables", QUERYABLES_REL, SCHEMA_JSON, f"What {source.title.lower()} filter on")]
    described: dict[str, Any] = {"spatial": {"bbox": [list(extent.bbox)], "crs": CRS84}} if extent.bbox else {}
    if source.temporal is not None and extent.interval is not None:
        described["temporal"] = {"interval": [[_instant(extent.interval[0]), _instant(extent.interval[1])]],
                                 "trs": GREGORIAN}
    return {"id": source.id, "title": source.title, "description": source.description, "links": links,
            "extent": described, "itemType": "feature", "crs": [CRS84]}


def collections_links(request: Request, *, html: bool) -> list[dict[str, Any]]:
    """Return the collections document's own links."""
    return self_and_alternate(f"{base_url(request)}/collections", [], json_type=JSON, html=html, title="Collections")


def queryables(request: Request, source: Source) -> dict[str, Any]:
    """Return a collection's queryables as a JSON Schema (Part 3)."""
    properties = {}
    for name, q in source.queryables.items():
        described: dict[str, Any] = {"type": "string", "title": name, "description": q.description}
        if q.values:
            described["enum"] = list(q.values)
        properties[name] = described
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{collection_url(request, source.id)}/queryables", "type": "object",
            "title": source.title, "properties": properties, "additionalProperties": False}


def feature_page(request: Request, source: Source, query: ItemsQuery, features: list[dict[str, Any]],
                 matched: int, *, at: datetime, html: bool) -> dict[str, Any]:
    """Return a page of features with counts, time stamp, self, alternate, next and prev links."""
    url = f"{collection_url(request, source.id)}/items"
    params = list(request.query_params.multi_items())
    links = [*self_and_alternate(url, params, json_type=GEOJSON, html=html, title="This page"),
             *paging_links(url, params, limit=query.limit, offset=query.offset, matched=matched, html=html),
             link(collection_url(request, source.id), "collection", JSON, source.title)]
    return {"type": "FeatureCollection", "features": features, "numberMatched": matched,
            "numberReturned": len(features), "timeStamp": at.isoformat(), "links": links}


def feature_links(request: Request, source: Source, feature: dict[str, Any], *, html: bool) -> list[dict[str, Any]]:
    """Return a feature's self, alternate and collection links."""
    url = f"{collection_url(request, source.id)}/items/{quote(str(feature['id']), safe='')}"
    return [*self_and_alternate(url, [], json_type=GEOJSON, html=html, title="This feature"),
            link(collection_url(request, source.id), "collection", JSON, source.title)]
