"""Settings read from the environment (prefix ``BROADSHEET_``, plus ``DATABASE_URL``)."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
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
    # per resource kind; BROADSHEET_CACHE_POLICIES='{"article": {"s_maxage": 600}}' overrides parts
    cache_policies: dict[CacheKind, CachePolicy] = Field(default_factory=lambda: dict(DEFAULT_POLICIES))
    compress_minimum_size: int = 1024
    # purges: logged by default; with a URL, sent there too (Fastly/Varnish-style, keys in a header)
    purge_url: str | None = None
    purge_method: str = "POST"
    purge_key_header: str = "Surrogate-Key"
    purge_headers: dict[str, SecretStr] = Field(default_factory=dict)
    purge_batch_size: int = Field(default=256, ge=1)
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
