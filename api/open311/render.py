"""Render Open311 answers as JSON or as XML with the spec's element names (escaped by xml.etree)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import JSONResponse, Response

FORMATS = ("json", "xml")
XML_TYPE = "text/xml; charset=utf-8"
# A list inside an item is written as a container of these elements (<attributes><attribute>...).
# Characters XML 1.0 cannot carry even escaped; text stored from other channels may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def w3c(value: datetime | None) -> str | None:
    """Return a time as the spec's W3C date-time in UTC (2026-11-30T02:00:00Z), None as None."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def _fill(parent: ET.Element, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        child = ET.SubElement(parent, name)
        if isinstance(value, Mapping):
            _fill(child, value)
        elif isinstance(value, list):
            for entry in value:
                item = ET.SubElement(child, LIST_ITEMS[name])
                if isinstance(entry, Mapping):
                    _fill(item, entry)
                else:
                    item.text = _text(entry)
        else:
            child.text = _text(value)


def to_xml(body: Sequence[Mapping[str, Any]] | Mapping[str, Any], *, root: str, item: str | None) -> bytes:
    """Return the XML document: <root><item>..</item>..</root> for a list, <root>..</root> for one object."""
    top = ET.Element(root)
    if item is None:
        assert isinstance(body, Mapping)
        _fill(top, body)
    else:
        for entry in body:
            _fill(ET.SubElement(top, item), entry)
    # The spec wants the declaration with encoding="UTF-8" before the root element.
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="unicode").encode("utf-8")


def render(body: Any, fmt: str, *, root: str, item: str | None, status: int = 200,
           headers: Mapping[str, str] | None = None) -> Response:
    """Return the body as JSON, or as XML under root (and item for each element of a list)."""
    if fmt == "xml":
        return Response(to_xml(body, root=root, item=item), status_code=status, media_type=XML_TYPE,
                        headers=dict(headers or {}))
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))
