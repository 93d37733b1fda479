"""One validated settings object per process, read from environment variables with working local defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

SERVICES = ("targets", "inventory", "visits", "audit")
SERVICE_PORTS = {"targets": 8001, "inventory": 8002, "visits": 8003, "audit": 8004}
STATE_DIR = Path(__file__).resolve().parent.parent / ".salesops"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = Field(
        "postgresql+psycopg://postgres@127.0.0.1:55432/salesops",
        description="Admin URL: used by `migrate` to create schemas and roles.",
    )
    service_database_url: str | None = Field(
        None, description="The service role's URL; derived from DATABASE_URL when unset."
    )
    service_db_password: str = Field("salesops-dev", description="Password `migrate` gives the service roles.")
    kafka_bootstrap_servers: str = "127.0.0.1:59092"
    auth_jwks_url: str = Field(
        str(STATE_DIR / "jwks.json"), description="JWKS of the token issuer: an http(s) URL or a file path."
    )
    auth_issuer: str = "salesops-local"
    auth_audience: str = "salesops"
    log_level: str = "INFO"
    # Consumer tuning: kafka-python's 45 s session timeout makes group joins slow on a fresh broker.
    consumer_session_timeout_ms: int = 6000
    consumer_heartbeat_interval_ms: int = 1000
    consumer_max_retries: int = 3
    relay_batch_size: int = 500
    worker_metrics_port: int | None = Field(None, description="Serve the worker's Prometheus metrics on this port.")

    def role_name(self, service: str) -> str:
        return f"salesops_{service}"

    def service_url(self, service: str) -> str:
        """The URL a service connects with: its own role, which can touch only its own schema."""
        if self.service_database_url:
            return self.service_database_url
        url = make_url(self.database_url).set(username=self.role_name(service), password=self.service_db_password)
        return url.render_as_string(hide_password=False)


@lru_cache
def get_settings() -> Settings:
    return Settings()
