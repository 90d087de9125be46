"""Minimal HTML of the OGC API for people with a browser: every value escaped, no script, nothing from a CDN."""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse

STYLE = ("body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
         "nav a{margin-right:1em}")


def _text(value: Any) -> str:
    """Return a value as escaped text (objects and lists as compact JSON)."""
    if isinstance(value, (dict, list, tuple)):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return escape("" if value is None else str(value))


def _links(links: list[dict[str, Any]]) -> str:
    items = "".join(f'<li><a href="{escape(l["href"])}">{escape(l["title"])}</a> ({escape(l["rel"])}, '
                    f'{escape(l["type"])})</li>' for l in links)
    return f"<ul>{items}</ul>"


def page(title: str, body: str, links: list[dict[str, Any]]) -> HTMLResponse:
    """Return an HTML page with a title, a body already escaped, and its links."""
    return HTMLResponse(
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}<h2>Links</h2>{_links(links)}"
        "</body></html>\n")


def landing_html(doc: dict[str, Any]) -> HTMLResponse:
    """Return the landing page as HTML."""
    return page(doc["title"], f"<p>{escape(doc['description'])}</p>", doc["links"])


def conformance_html(doc: dict[str, Any], links: list[dict[str, Any]]) -> HTMLResponse:
    """Return the conformance classes as HTML."""
    items = "".join(f"<li>{escape(c)}</li>" for c in doc["conformsTo"])
    return page("Conformance", f"<ul>{items}</ul>", links)


def _extent(collection: dict[str, Any]) -> str:
    extent = collection["extent"]
    spatial = extent.get("spatial")
    temporal = extent.get("temporal")
    out = f"<p>Box (CRS84): {_text(spatial['bbox'][0])}</p>" if spatial else ""
    return out + (f"<p>Time: {_text(temporal['interval'][0])}</p>" if temporal else "")


def collections_html(doc: dict[str, Any]) -> HTMLResponse:
    """Return the list of collections as HTML."""
    rows = "".join(f'<tr><td><a href="{escape(_html_link(c["links"]))}">{escape(c["id"])}</a></td>'
                   f"<td>{escape(c['title'])}</td><td>{escape(c['description'])}</td></tr>"
                   for c in doc["collections"])
    return page("Collections", f"<table><tr><th>id</th><th>title</th><th>description</th></tr>{rows}</table>",
                doc["links"])


def _html_link(links: list[dict[str, Any]]) -> str:
    """Return the href of the HTML form among a resource's own links."""
    return next(l["href"] for l in links if l["type"] == "text/html" and l["rel"] in ("self", "alternate"))


def collection_html(doc: dict[str, Any]) -> HTMLResponse:
    """Return one collection's description as HTML."""
    return page(doc["title"], f"<p>{escape(doc['description'])}</p>{_extent(doc)}", doc["links"])


def items_html(title: str, doc: dict[str, Any], items_url: str) -> HTMLResponse:
    """Return a page of features as a table of their properties, with the paging links."""
    features = doc["features"]
    columns: list[str] = list(dict.fromkeys(k for f in features for k in f["properties"]))
    head = "".join(f"<th>{escape(c)}</th>" for c in ["id", *columns])
    rows = "".join(
        f'<tr><td><a href="{escape(items_url)}/{escape(quote(str(f["id"]), safe=""))}?f=html">{_text(f["id"])}</a></td>'
        + "".join(f"<td>{_text(f['properties'].get(c))}</td>" for c in columns) + "</tr>" for f in features)
    summary = f"<p>{doc['numberReturned']} of {doc['numberMatched']} features.</p>"
    return page(title, f"{summary}<table><tr>{head}</tr>{rows}</table>", doc["links"])


def item_html(title: str, feature: dict[str, Any]) -> HTMLResponse:
    """Return one feature's properties and geometry type as HTML."""
    geometry = feature.get("geometry") or {}
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{_text(v)}</td></tr>" for k, v in feature["properties"].items())
    body = f"<p>Geometry: {_text(geometry.get('type', 'none'))}</p><table>{rows}</table>"
    return page(title, body, feature["links"])
