"""Links of the OGC API answers: absolute URLs under /ogc, the alternate formats, and the paging links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
PREFIX = "/ogc"


def base_url(request: Request) -> str:
    """Return the absolute URL of the OGC API root, without a trailing slash."""
    return str(request.base_url).rstrip("/") + PREFIX


def link(href: str, rel: str, type: str, title: str) -> dict[str, Any]:
    """Return one link object (every member always sent)."""
    return {"href": href, "rel": rel, "type": type, "title": title}


def collection_url(request: Request, collection_id: str) -> str:
    """Return the URL of a collection."""
    return f"{base_url(request)}/collections/{quote(collection_id, safe='')}"


def with_query(url: str, params: Sequence[tuple[str, str]]) -> str:
    """Return url with these query parameters, in this order."""
    return f"{url}?{urlencode(list(params))}" if params else url


def self_and_alternate(url: str, params: Sequence[tuple[str, str]], *, json_type: str, html: bool,
                       title: str) -> list[dict[str, Any]]:
    """Return the self link of the format answered and the alternate of the other, keeping every parameter."""
    kept = [(k, v) for k, v in params if k != "f"]
    as_json = link(with_query(url, [*kept, ("f", "json")]), "self" if not html else "alternate", json_type,
                   f"{title} as JSON")
    as_html = link(with_query(url, [*kept, ("f", "html")]), "self" if html else "alternate", HTML,
                   f"{title} as HTML")
    return [as_html, as_json] if html else [as_json, as_html]


def paging_links(url: str, params: Sequence[tuple[str, str]], *, limit: int, offset: int,
                 matched: int, html: bool) -> list[dict[str, Any]]:
    """Return next and prev links that carry every parameter of the request, with the limit applied."""
    kept = [(k, v) for k, v in params if k not in ("limit", "offset")]
    fmt = (HTML, "html") if html else (GEOJSON, "json")
    kept = [(k, v) for k, v in kept if k != "f"] + [("f", fmt[1])]
    out = []
    if offset + limit < matched:
        out.append(link(with_query(url, [*kept, ("limit", str(limit)), ("offset", str(offset + limit))]),
                        "next", fmt[0], "next page"))
    if offset > 0:
        out.append(link(with_query(url, [*kept, ("limit", str(limit)), ("offset", str(max(0, offset - limit)))]),
                        "prev", fmt[0], "previous page"))
    return out
