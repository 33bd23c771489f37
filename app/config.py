"""Settings read from the environment (prefix ``BROADSHEET_``, plus ``DATABASE_URL``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    cache_max_age: int = 60
    cache_s_maxage: int = 300
    cache_stale_while_revalidate: int = 600


@lru_cache
def get_settings() -> Settings:
    return Settings()
