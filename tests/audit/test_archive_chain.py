"""The archive's hash chain on the real database: intact as the worker builds it, an altered event is the first
broken link, a consistent rewrite of the whole chain is caught by an earlier digest, and the archive refuses
UPDATE and DELETE."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from services.audit.archive.service import digest_day, verify_chain
from services.audit.domain.chain import link_hash
from tests.support import create_org_unit, wait_until

pytestmark = pytest.mark.usefixtures("workers")


@pytest.fixture(scope="module")
def archived(clients, admin):
    """At least one event archived by the running worker."""
    unit = create_org_unit(clients["targets"], admin, kind="company")
    wait_until(lambda: clients["audit"].get("/events", params={"subject": unit["id"]}, headers=admin).json())
    return unit


def _tamper(conn, sql: str, **params) -> None:
    # The service role owns the table, so it can switch the append-only trigger off: what the chain is for.
    conn.execute(text("ALTER TABLE audit.event_archive DISABLE TRIGGER event_archive_append_only"))
    conn.execute(text(sql), params)


def test_chain_is_intact_and_the_endpoint_says_so(clients, token, archived):
    report = clients["audit"].get("/events/chain/verification", headers=token("auditor")).json()
    assert report["intact"] and report["first_broken"] is None
    assert report["head_seq"] == report["links_checked"] > 0


def test_altered_event_is_the_first_broken_link(audit_conn, archived):
    seq = audit_conn.scalar(text("SELECT seq FROM audit.event_archive WHERE subject = :s"), {"s": archived["id"]})
    _tamper(
        audit_conn, 'UPDATE audit.event_archive SET data = data || \'{"name": "Forged"}\' WHERE seq = :seq', seq=seq
    )
    report = verify_chain(audit_conn)
    assert not report.intact
    broken = report.first_broken
    assert broken is not None
    assert (broken.seq, broken.reason) == (seq, "event content does not match its hash")
    assert report.links_checked == seq - 1


def test_rewriting_the_whole_chain_is_caught_by_the_published_digest(audit_conn, archived, engines):
    today = datetime.now(UTC).date()
    digest = digest_day(audit_conn, today)
    assert digest_day(audit_conn, today) == digest  # asking again returns the first digest
    assert audit_conn.scalar(text("SELECT count(*) FROM audit.outbox WHERE topic = 'audit.archive.v1'")) >= 1
    # Forge the first event and recompute every later link, so each link verifies on its own.
    _tamper(audit_conn, "UPDATE audit.event_archive SET data = data || '{\"forged\": true}' WHERE seq = 1")
    rows = audit_conn.execute(
        text("SELECT seq, event_id, topic, type, version, source, subject, correlation_id, occurred_at, data "
             "FROM audit.event_archive ORDER BY seq")
    ).mappings().all()  # fmt: skip
    previous = "0" * 64
    for row in rows:
        current = link_hash(previous, dict(row))
        audit_conn.execute(
            text("UPDATE audit.event_archive SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": previous, "h": current, "s": row["seq"]},
        )
        previous = current
    report = verify_chain(audit_conn)
    assert report.first_broken is None
    assert report.digest_mismatch is not None and not report.intact


def test_archive_is_append_only(audit_conn, archived):
    with pytest.raises(ProgrammingError, match="append-only"):
        audit_conn.execute(text("DELETE FROM audit.event_archive WHERE subject = :s"), {"s": archived["id"]})


def test_digest_endpoint(clients, token):
    auditor = token("auditor")
    first = clients["audit"].post("/events/chain/digests", headers=auditor, json={"day": "2026-01-01"})
    assert first.status_code == 200 and first.json()["events"] == 0
    assert (
        clients["audit"].post("/events/chain/digests", headers=auditor, json={"day": "2026-01-01"}).json()
        == first.json()
    )
    assert (
        clients["audit"].post("/events/chain/digests", headers=token("rep"), json={"day": "2026-01-01"}).status_code
        == 403
    )
