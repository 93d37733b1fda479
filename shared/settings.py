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
    local_broker_port: int = Field(59092, description="Port of the broker `up` starts when no broker is named.")
    local_postgres_port: int = Field(55432, description="Port of the PostgreSQL `up` starts when none is named.")
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
    consumer_max_poll_records: int = 1000
    relay_batch_size: int = 500
    relay_loss_check_seconds: float = Field(30.0, description="How often the relay checks the broker kept its log.")
    kafka_max_message_bytes: int = Field(
        1_048_576, description="Largest message the broker accepts (Kafka's message.max.bytes); producers' limit."
    )
    outbox_retention_days: float = Field(7, description="Published outbox rows kept this long: the re-drive window.")
    inbox_retention_days: float = Field(14, description="Inbox rows: longer than the topics' retention (7 days).")
    idempotency_key_hours: float = Field(24, description="How long a retried create returns its first answer.")
    dead_letter_retention_days: float = Field(30, description="Dead letters not seen again for this long go.")
    jobs_first_delay_seconds: float = Field(60, description="Periodic jobs start this long after the worker.")
    worker_metrics_port: int | None = Field(None, description="Serve the worker's Prometheus metrics on this port.")
    # Workers (relays, consumers, jobs) are throughput work; the APIs answer people waiting. Where both share cores,
    # a worker at a lower CPU priority yields a core to a request at once and catches up in the gaps (README "Run").
    worker_nice: int = Field(
        10, ge=0, le=19, description="Niceness a worker process adds to itself at start (0: the APIs' priority)."
    )
    # Niceness only weighs shares: Linux's EEVDF scheduler lets a running worker finish its slice (~3 ms) before a
    # woken API process gets the core, a wait paid at each of a request's round trips. SCHED_IDLE is preempted at once.
    worker_sched_idle: bool = Field(
        True, description="Run workers (and their database backends) under Linux's SCHED_IDLE policy, where available."
    )
    # HTTP limits (README "Limits"): generous defaults, so that tests and benchmarks never meet them.
    http_max_body_bytes: int = Field(4 * 2**20, description="Largest request body, unless the endpoint says more.")
    http_max_upload_bytes: int = Field(20 * 2**20, description="Largest file upload (spreadsheet imports).")
    http_rate_per_second: float = Field(
        5000.0, description="Requests per second per caller (token subject), per API process."
    )
    http_rate_burst: int = Field(10000, description="Requests a caller may send at once above the rate.")
    # An API process's connections: pool + overflow, times API processes, must stay under max_connections.
    db_pool_size: int = Field(10, description="Connections each API process keeps open.")
    db_max_overflow: int = Field(5, description="Extra connections an API process may open at peaks.")

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
