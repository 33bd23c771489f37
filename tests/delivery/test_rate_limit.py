"""Rate limits per client address and per API key, by route group; one budget across processes with Redis;
requests still served when Redis is gone."""

import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from fastapi.testclient import TestClient

from app.cli import migrate
from app.config import Settings
from app.main import create_app
from tests.assertions import assert_problem
from tests.servers import served

WINDOW_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy")


def _app(database_url: str, **overrides: Any) -> Any:
    """Repeated reads of one URL, every one counted: the response cache is off (its hits are not counted)."""
    limits = {
        "public": {"anonymous": 3, "keyed": 5, "window": 60},
        "admin": {"anonymous": 2, "keyed": 4, "window": 60},
    }
    settings = {"rate_limits": limits, "response_cache_enabled": False, **overrides}
    return create_app(Settings(database_url=database_url, **settings))


def test_answers_from_the_response_cache_are_not_counted(database_url: str) -> None:
    with TestClient(_app(database_url, response_cache_enabled=True)) as client:
        answers = [client.get("/v1/categories") for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 5
        assert answers[0].headers["ratelimit-remaining"] == "2"
        assert all("ratelimit-remaining" not in a.headers for a in answers[1:])
        # what the cache does not hold is counted as ever
        misses = [client.get(f"/v1/categories?limit={n}") for n in range(1, 4)]
        assert [a.status_code for a in misses] == [200, 200, 429]


def test_anonymous_clients_get_their_budget_then_429(database_url: str) -> None:
    with TestClient(_app(database_url)) as client:
        answers = [client.get("/v1/categories") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert {a.headers["ratelimit-limit"] for a in answers} == {"3"}
        assert {a.headers["ratelimit-policy"] for a in answers} == {"3;w=60"}
        refused = answers[-1]
        problem = assert_problem(refused, 429, "Too Many Requests")
        assert problem["detail"].startswith("This client may make 3 requests in 60 s here; try again in ")
        assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["cache-control"] == "no-store"
        assert client.head("/v1/categories").status_code == 429
        # the admin group has a budget of its own; documentation and health are not limited
        assert client.get("/v1/admin/me").status_code == 401
        assert client.get("/healthz").status_code == 200
        assert "ratelimit-limit" not in client.get("/openapi.json").headers


def test_each_api_key_has_its_own_budget(database_url: str) -> None:
    with TestClient(_app(database_url)) as client:
        for _ in range(3):
            assert client.get("/v1/tags").status_code == 200
        assert client.get("/v1/tags").status_code == 429
        first = {"Authorization": "Bearer bs_aaaa1111_secret"}
        second = {"Authorization": "Bearer bs_bbbb2222_secret"}
        answers = [client.get("/v1/tags", headers=first).status_code for _ in range(6)]
        assert answers == [200] * 5 + [429]
        assert client.get("/v1/tags", headers=second).headers["ratelimit-remaining"] == "4"


def test_client_address_comes_from_trusted_proxies_only(database_url: str) -> None:
    app = _app(database_url, trusted_proxies=["10.0.0.0/8"])
    with TestClient(app, client=("10.1.2.3", 4000)) as via_proxy:
        for _ in range(3):
            assert via_proxy.get("/v1/tags", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 200
        assert via_proxy.get("/v1/tags", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
        # another client behind the same proxy, even with a spoofed first hop
        other = via_proxy.get("/v1/tags", headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.9"})
        assert other.status_code == 200
        assert other.headers["ratelimit-remaining"] == "2"
        chained = via_proxy.get("/v1/tags", headers={"X-Forwarded-For": "198.51.100.9, 10.9.9.9"})
        assert chained.headers["ratelimit-remaining"] == "1"  # 10.9.9.9 is a trusted hop
    with TestClient(app, client=("192.0.2.50", 4000)) as direct:
        for n in range(3):
            forged = {"X-Forwarded-For": f"203.0.113.{n + 100}"}
            assert direct.get("/v1/tags", headers=forged).status_code == 200
        assert direct.get("/v1/tags", headers={"X-Forwarded-For": "203.0.113.200"}).status_code == 429


def test_redis_gone_means_requests_are_served(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="broadsheet.rate_limit")
    with TestClient(_app(database_url, redis_url="redis://127.0.0.1:9/0")) as client:
        answers = [client.get("/v1/categories") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    assert all("ratelimit-limit" not in a.headers for a in answers)
    warnings = [r.getMessage() for r in caplog.records if r.name == "broadsheet.rate_limit"]
    assert len(warnings) == 1  # then a pause before Redis is tried again, not a warning per request
    assert warnings[0].startswith("rate limits not enforced for 5 s: Redis unreachable")


def _status(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urlopen(Request(url), timeout=5) as response:
            return response.status, dict(response.headers.items())
    except HTTPError as error:
        return error.code, dict(error.headers.items())


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "memory"])
def test_two_processes_share_one_budget_through_redis(tmp_path: Path, shared: bool) -> None:
    database = f"sqlite:///{tmp_path / 'served.db'}"
    migrate(Settings(database_url=database))
    env = {
        "DATABASE_URL": database,
        "BROADSHEET_RATE_LIMITS": json.dumps({"public": {"anonymous": 10, "window": 3600}}),
        "BROADSHEET_RATE_LIMIT_NAMESPACE": f"test-{uuid.uuid4().hex}",
        "BROADSHEET_RESPONSE_CACHE_ENABLED": "false",  # every request counted, none a cache hit
    }
    if shared:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    with served(env, "--no-demo") as first, served(env, "--no-demo") as second:
        answers = [_status(f"{base}/v1/categories") for _ in range(10) for base in (first, second)]
    codes = [code for code, _ in answers]
    if shared:
        assert codes == [200] * 10 + [429] * 10
        assert [h["ratelimit-remaining"] for _, h in answers[:10]] == [str(n) for n in range(9, -1, -1)]
    else:  # without Redis each process counts alone: the documented reason to configure it
        assert codes == [200] * 20
