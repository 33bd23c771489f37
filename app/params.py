"""Typed query-parameter values shared by routers: RFC 3339 times and ISO calendar dates, strictly."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _rfc3339(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 time with an offset, e.g. 2025-12-27T09:00:00Z")
    try:
        return datetime.fromisoformat(value.replace("z", "Z")).astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("time is out of range") from exc


def _iso_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("expected a calendar date, YYYY-MM-DD")
    return date.fromisoformat(value)


UtcTime = Annotated[datetime, BeforeValidator(_rfc3339)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
