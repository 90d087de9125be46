"""Open311 GeoReport v2 answers in JSON, field for field as the spec names them (XML carries the same fields)."""

from __future__ import annotations

from pydantic import Field

from api.responses.common import ReadModel


class Open311EndpointRead(ReadModel):
    """One API endpoint of the discovery document."""

    specification: str
    url: str
    changeset: str
    type: str = Field(description="production")
    formats: list[str]


class Open311DiscoveryRead(ReadModel):
    """The discovery document: where the GeoReport v2 endpoint is and which formats it speaks."""

    changeset: str
    contact: str
    key_service: str
    endpoints: list[Open311EndpointRead]


class Open311ServiceRead(ReadModel):
    """A service (a taxonomy sub-category) a request can be filed under."""

    service_code: str
    service_name: str
    description: str
    metadata: bool = Field(description="true when the service definition has attributes to answer")
    type: str = Field(description="realtime: a POST answers the request's id at once")
    keywords: str = Field(description="comma separated")
    group: str


class Open311AttributeValueRead(ReadModel):
    """One choice of a list attribute."""

    key: str
    name: str


class Open311AttributeRead(ReadModel):
    """A question a reporter answers as attribute[code] when posting a request of the service."""

    variable: bool
    code: str
    datatype: str = Field(description="string, number, datetime, text, singlevaluelist or multivaluelist")
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[Open311AttributeValueRead]


class Open311ServiceDefinitionRead(ReadModel):
    """A service's attributes."""

    service_code: str
    attributes: list[Open311AttributeRead]


class Open311RequestRead(ReadModel):
    """A service request (a case) as the public sees it: never the reporter's name or contact."""

    service_request_id: int
    status: str = Field(description="open or closed")
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str
    address_id: str
    zipcode: str
    lat: float
    long: float
    media_url: str


class Open311PostedRead(ReadModel):
    """What a POST answers: the new request's id (its token is the same id: requests are made at once)."""

    service_request_id: int
    token: str
    service_notice: str
    account_id: str


class Open311TokenRead(ReadModel):
    """The request a token stands for."""

    service_request_id: int
    token: str


class Open311ErrorRead(ReadModel):
    """One error: the HTTP status as code, and what was wrong."""

    code: int
    description: str
