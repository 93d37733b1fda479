"""Use cases for dealer coverage: which reps share a dealer's actuals, by contribution share, over time.

Setting coverage for a period rewrites the dealer's timeline (spans around the period are cut, not lost) and,
in the same transaction, splits the dealer's facts of that period again, so rep actuals follow the new shares.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Connection, delete, select

from services.targets import db
from services.targets.actuals.ledger import coverage_timeline, lock_dealer, reattribute_dealer
from services.targets.actuals.schemas import CoverageChangeOut, CoverageIn, CoverageOut, CoverageSpanOut
from services.targets.actuals.tables import dealer_coverage, dealers
from services.targets.domain.attribution import CoverageSpan, Share, check_timeline, replace_coverage
from services.targets.people.service import ensure_people_in_scope
from shared.errors import NotFound
from shared.identity import Principal
from shared.org.scope import scope_condition

ou = db.org_units
SHARE_PLACES = Decimal("0.000001")


def _dealer(conn: Connection, principal: Principal, dealer_id: uuid.UUID):
    row = conn.execute(
        select(dealers).where(dealers.c.id == dealer_id, scope_condition(ou, principal, dealers.c.org_unit_id))
    ).first()
    if row is None:
        raise NotFound(f"dealer {dealer_id} not found", field="dealer_id")
    return row


def _out(dealer, timeline: list[CoverageSpan]) -> dict:
    return dict(
        dealer_id=dealer.id,
        dealer_code=dealer.code,
        org_unit_id=dealer.org_unit_id,
        spans=[
            CoverageSpanOut(
                person_id=s.person_id,
                share=s.share.quantize(SHARE_PLACES),
                valid_from=s.valid_from,
                valid_to=s.valid_to,
            )
            for s in timeline
        ],
    )


def get_coverage(conn: Connection, principal: Principal, dealer_id: uuid.UUID) -> CoverageOut:
    """The dealer's coverage history."""
    dealer = _dealer(conn, principal, dealer_id)
    return CoverageOut(**_out(dealer, coverage_timeline(conn, dealer_id)))


def set_coverage(
    conn: Connection, principal: Principal, dealer_id: uuid.UUID, command: CoverageIn
) -> CoverageChangeOut:
    """Give [valid_from, valid_to) of a dealer to reps by share, and re-split that period's actuals."""
    dealer = _dealer(conn, principal, dealer_id)
    # Only reps who worked in the caller's subtree during the period; anyone else looks unknown (404).
    ensure_people_in_scope(
        conn,
        principal,
        [(f"reps[{i}].person_id", r.person_id) for i, r in enumerate(command.reps)],
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        role="rep",
    )
    lock_dealer(conn, dealer_id)
    timeline = replace_coverage(
        coverage_timeline(conn, dealer_id),
        command.valid_from,
        command.valid_to,
        [Share(r.person_id, r.share) for r in command.reps],
    )
    check_timeline(timeline)
    conn.execute(delete(dealer_coverage).where(dealer_coverage.c.dealer_id == dealer_id))
    if timeline:
        conn.execute(
            dealer_coverage.insert(),
            [
                dict(
                    dealer_id=dealer_id,
                    person_id=s.person_id,
                    share=s.share,
                    valid_from=s.valid_from,
                    valid_to=s.valid_to,
                )
                for s in timeline
            ],
        )
    moved = reattribute_dealer(conn, dealer_id, timeline, command.valid_from, command.valid_to)
    return CoverageChangeOut(**_out(dealer, timeline), reattributed_facts=moved)
