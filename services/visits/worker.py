"""Worker of the visits service: publishes its outbox, projects the org tree and dealers, publishes missed visits."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from services.visits import db
from services.visits.handlers import HANDLERS
from services.visits.schedules.service import mark_missed
from shared.jobs import Job
from shared.settings import Settings
from shared.worker import WorkerSpec

LOCAL = ZoneInfo("Asia/Shanghai")  # a planned day is a day in the outlets' local time
MISSED_BATCH = 5_000


def publish_missed_visits(engine: Engine, settings: Settings, *, today: date | None = None) -> int:
    """Every published visit planned before today with no completed visit is marked missed and published, once;
    in batches of 5,000, each its own short transaction."""
    today = today or datetime.now(LOCAL).date()
    published = 0
    while True:
        with engine.begin() as conn:
            marked = mark_missed(conn, today, limit=MISSED_BATCH)
        published += marked
        if marked < MISSED_BATCH:
            return published


SPEC = WorkerSpec(
    service="visits",
    outbox=db.outbox,
    inbox=db.inbox,
    handlers=HANDLERS,
    dead_letters=db.dead_letters,
    idempotency_keys=db.idempotency_keys,
    # Hourly: the first run after local midnight publishes the day that just ended; later runs find nothing new.
    jobs=(Job("missed-visits", 3600, publish_missed_visits),),
)
