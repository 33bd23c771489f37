"""Settings read from the environment (prefix ``BROADSHEET_``, plus ``DATABASE_URL``)."""

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, IPvAnyNetwork, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.http_cache import DEFAULT_POLICIES, CacheKind, CachePolicy
from app.rate_limit import DEFAULT_RATE_LIMITS, RouteGroupLimits

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BROADSHEET_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'broadsheet.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "BROADSHEET_DATABASE_URL"),
    )
    migrations_dir: Path = REPO_ROOT / "migrations"
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # requests one worker runs at once past the response cache (others wait their turn), and the threads it
    # runs them in: at most, and unset, the connections of its database pool (see app/main.py)
    concurrency: int | None = Field(default=None, ge=1, le=1000)
    # per resource kind; BROADSHEET_CACHE_POLICIES='{"article": {"s_maxage": 600}}' overrides parts
    cache_policies: dict[CacheKind, CachePolicy] = Field(default_factory=lambda: dict(DEFAULT_POLICIES))
    compress_minimum_size: int = 1024
    # purges: logged by default; with a URL, sent there too (Fastly/Varnish-style, keys in a header)
    purge_url: str | None = None
    purge_method: str = "POST"
    purge_key_header: str = "Surrogate-Key"
    purge_headers: dict[str, SecretStr] = Field(default_factory=dict)
    purge_batch_size: int = Field(default=256, ge=1)
    # finished public answers kept in each process (see app/response_cache.py)
    response_cache_enabled: bool = True
    response_cache_max_bytes: int = Field(default=8 * 1024 * 1024, ge=0)  # per process: counts in its RSS
    purge_log_follow_interval: float = Field(default=0.25, gt=0, le=5)
    # Uvicorn's line per request: off by default, the proxy or CDN in front logs requests at less cost
    access_log: bool = False
    # FastAPI's native OpenTelemetry instrumentation: on only when asked (it costs on every request)
    telemetry: bool = False
    # CORS and headers
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    hsts_seconds: int = 0  # set behind HTTPS, e.g. 63072000
    # rate limits: counters in this process's memory, or in Redis (shared by every process) with REDIS_URL
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "BROADSHEET_REDIS_URL")
    )
    rate_limits: dict[str, RouteGroupLimits] = Field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    rate_limit_enabled: bool = True
    rate_limit_namespace: str = "broadsheet"
    trusted_proxies: list[str] = Field(default_factory=list)  # CIDRs whose X-Forwarded-For is believed
    # syndication: feeds, sitemaps and structured data
    public_base_url: str | None = None  # this API's public address in feeds and sitemaps; unset: as asked
    site_url: str = "https://news.example.com"  # the publisher's website, where articles are read
    publisher_name: str = "Broadsheet"
    publisher_logo_url: str | None = None
    # `tag:` URI authority of feed ids (RFC 4151), e.g. "news.example.com,2026"; unset: site_url's host, 2026.
    # Ids are forever: set it once and never change it.
    feed_id_authority: str | None = None
    # newsletter: confirmation mails wait in an outbox table until a worker hands them to this SMTP server
    smtp_host: str | None = None  # unset: mails stay in the outbox until it is set
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"  # "ssl": implicit TLS (port 465)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=10.0, gt=0)
    smtp_max_attempts: int = Field(default=10, ge=1)  # then the mail is marked failed
    mail_from: str = "Broadsheet <newsletter@localhost>"
    mail_worker: bool = (
        False  # also send from a thread in each API process (else: `broadsheet newsletter send`)
    )
    mail_poll_seconds: float = Field(default=10.0, gt=0)
    # where confirmation links point: unset, this API's /v1/newsletter/confirm; else a page of the site
    # that POSTs the token to it, e.g. "https://news.example.com/newsletter/confirm#{token}"
    newsletter_confirm_url: str | None = None
    newsletter_unsubscribe_mailto: str | None = (
        None  # the List-Unsubscribe mailto, e.g. "unsubscribe@example.com"
    )
    newsletter_confirm_hours: int = Field(default=48, ge=1)
    newsletter_mails_per_address: int = Field(default=3, ge=1)  # confirmation mails per address in 24 hours
    # syndication: partner sync and webhooks (see app/syndication/worker.py)
    worker_in_process: bool = False  # run the worker as a thread of each API process too
    worker_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    sync_sweep_seconds: float = Field(default=300.0, gt=0)  # looking for articles bulk-loaded without the ORM
    # CIDRs webhook targets may resolve to although private, loopback, link-local ... e.g. ["10.1.2.0/24"]
    webhook_allowed_networks: list[IPvAnyNetwork] = Field(default_factory=list)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhook_max_attempts: int = Field(default=12, ge=1, le=100)
    webhook_backoff_base_seconds: float = Field(default=10.0, gt=0)
    webhook_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    # a claimed delivery is another worker's to retry after this long (a crashed worker's, say)
    webhook_lease_seconds: float = Field(default=60.0, gt=0)
    webhook_concurrency: int = Field(default=4, ge=1, le=64)

    @field_validator("cache_policies", mode="before")
    @classmethod
    def _merge_policies(cls, value: Any) -> Any:
        """Overrides name only what they change; every kind keeps a policy."""
        if not isinstance(value, dict):
            return value
        merged: dict[str, Any] = {
            kind.value: policy.model_dump() for kind, policy in DEFAULT_POLICIES.items()
        }
        for kind, policy in value.items():
            name = kind.value if isinstance(kind, CacheKind) else str(kind)
            update = policy.model_dump() if isinstance(policy, CachePolicy) else policy
            merged[name] = {**merged.get(name, {}), **update} if isinstance(update, dict) else update
        return merged

    @field_validator("rate_limits", mode="before")
    @classmethod
    def _merge_rate_limits(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        merged: dict[str, Any] = {name: limits.model_dump() for name, limits in DEFAULT_RATE_LIMITS.items()}
        for name, limits in value.items():
            update = limits.model_dump() if isinstance(limits, RouteGroupLimits) else limits
            merged[name] = {**merged.get(name, {}), **update} if isinstance(update, dict) else update
        return merged


@lru_cache
def get_settings() -> Settings:
    return Settings()
