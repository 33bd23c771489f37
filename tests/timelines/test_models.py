from datetime import date

import pytest
from pydantic import ValidationError

from app.timelines.models import DatePrecision, TimelineEventBase, event_spans, period_bounds


def test_end_date_before_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="end_date must not be before date"):
        TimelineEventBase(date=date(2024, 6, 1), end_date=date(2024, 5, 1), label="June 2024", milestone="m")


def test_period_bounds() -> None:
    assert period_bounds(date(2024, 2, 10), DatePrecision.month) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds(date(2025, 7, 4), DatePrecision.year) == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_bounds(date(2025, 7, 4), DatePrecision.day) == (date(2025, 7, 4), date(2025, 7, 4))


def test_spans_of_a_multi_date_event() -> None:
    event = TimelineEventBase(
        date=date(2025, 12, 18),
        extra_dates=[date(2025, 12, 27)],
        label="Dec. 18 & Dec. 27, 2025",
        milestone="m",
    )
    assert event_spans(event) == [
        (date(2025, 12, 18), date(2025, 12, 18)),
        (date(2025, 12, 27), date(2025, 12, 27)),
    ]
