"""The daily behind-plan evaluation runs as a worker job, not only when someone calls the endpoint."""

from __future__ import annotations

from datetime import date

from services.targets.worker import SPEC, evaluate_progress_alerts
from shared.jobs import run_once
from tests.targets.progress.support import build_world
from tests.targets.progress.test_alerts import alerts_in_outbox


def test_progress_alerts_job_publishes_each_alert_once(clients, admin, engines, settings):
    w = build_world(clients, admin, engines)
    assert "progress-alerts" in [j.name for j in SPEC.all_jobs()]
    evaluate_progress_alerts(engines["targets"], settings, as_of=date(2026, 3, 13))
    assert len(alerts_in_outbox(engines, w.plan)) == 8  # the same 8 as POST …/progress/alerts finds that day
    evaluate_progress_alerts(engines["targets"], settings, as_of=date(2026, 3, 13))
    assert len(alerts_in_outbox(engines, w.plan)) == 8
    job = next(j for j in SPEC.all_jobs() if j.name == "progress-alerts")
    assert run_once(job, engines["targets"], settings, service="targets") is not None  # as of today: runs, locked
