"""Trending's clock, frozen at the start of an hour."""

from datetime import UTC, datetime

import pytest

from app.trending import events, service
from app.trending.events import hour_of


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Trending's "now": the start of the current hour, so bucket ages are whole hours."""
    now = datetime.fromtimestamp(hour_of(datetime.now(UTC)) * 3600, UTC)
    monkeypatch.setattr(service, "utcnow", lambda: now)
    monkeypatch.setattr(events, "utcnow", lambda: now)
    return now
