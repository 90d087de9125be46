"""Hostile MQTT payloads, one per way a message can be wrong, with the fragment its reason must contain."""

from __future__ import annotations

import json

# (payload, fragment of the reason); each must become an IngestError, never anything else.
HOSTILE_READINGS: list[tuple[bytes, str]] = [
    (b'{"ts": 1795420800000, "values": {"pm25": ' + b"9" * 400 + b"}}", "values.pm25 is out of range"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1e400}}', "values.pm25 must be a finite number"),
    (b'{"ts": ' + b"9" * 400 + b', "values": {"pm25": 1}}', "field 'ts'"),
    (b"[" * 100_000 + b"]" * 100_000, "bytes exceeds"),
    (b"[" * 30_000 + b"]" * 30_000, "nested too deeply"),
    (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "nested too deeply"),
    (b'{"ts": "0001-01-01T00:00:00", "values": {"pm25": 1}}', "outside the calendar"),
    (b'{"ts": "0001-01-01T00:00:00+14:00", "values": {"pm25": 1}}', "outside the calendar"),
    (b'{"ts": "9999-12-31T23:59:59-14:00", "values": {"pm25": 1}}', "outside the calendar"),
    (b'{"ts": "9999-12-31T23:59:59Z", "values": {"pm25": 1}}', "in the future"),
    (b'{"ts": "1970-01-01T00:00:00Z", "values": {"pm25": 1}}', "before 1973"),
    (b'{"ts": 1e300, "values": {"pm25": 1}}', "in the future"),
    (b'{"ts": 253402300800001, "values": {"pm25": 1}}', "in the future"),
    (b'{"ts": Infinity, "values": {"pm25": 1}}', "not JSON"),
    (b'{"ts": -Infinity, "values": {"pm25": 1}}', "not JSON"),
    (b'{"ts": 1795420800000, "values": {"pm25": NaN}}', "not JSON"),
    (b'{"ts": 1795420800000, "values": {"pm25": "12"}}', "values.pm25 must be a number, got str"),
    (b'{"ts": 1795420800000, "values": {"pm25": true}}', "values.pm25 must be a number, got bool"),
    (b'{"ts": 1795420800000, "values": {"pm25": [1]}}', "values.pm25 must be a number, got list"),
    (b'{"ts": [1795420800000], "values": {"pm25": 1}}', "field 'ts' must be epoch ms or ISO 8601, got list"),
    (b'{"ts": 1795420800000, "values": [1, 2]}', "field 'values'"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": 120, "lat": 32, "crs": "EPSG:99999"}',
     "unknown coordinate system"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": 120, "lat": 32, "crs": {"x": 1}}',
     "field 'crs' must be a string"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": ' + b"9" * 400 + b', "lat": 32}', "field 'lon' is out"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": "120", "lat": 32}', "field 'lon' must be a number"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": 520, "lat": 32}', "outside -180..180"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"", "not JSON"),
    (b"null", "must be a JSON object"),
    (json.dumps({"ts": 1795420800000, "values": {"pm25": 1}, "pad": "x" * 70_000}).encode(), "bytes exceeds"),
]
