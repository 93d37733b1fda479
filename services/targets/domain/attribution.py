"""Attribution of actuals: which facts count, which metric reads which fact, and the split over covering reps.

A fact is anything that moves a metric on a day for a dealer: an order (sales amount and volume) or a payment
(collections); a stock report (sell-through) would go through the same split with its own source name. The
fact belongs to the org unit that owned the dealer when it happened (the producer stamps it) and is split
over the reps covering the dealer on its day by their contribution shares, in exact cents.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.targets.domain.rounding import split_amount
from shared.errors import InvalidInput

AMOUNT_STEP = Decimal("0.01")
QUANTITY_STEP = Decimal("0.001")

# A dealer order counts as sold from confirmation: later ERP versions (shipped, invoiced, or amended lines)
# restate the same sale and replace it; cancellation takes it back to zero.
SALE_STATUSES = frozenset({"confirmed", "shipped", "invoiced"})


class Source(StrEnum):
    order = "order"  # inventory.orders.v1
    payment = "payment"  # inventory.collections.v1 (PaymentRecorded)


class Measure(StrEnum):
    amount = "amount"
    quantity = "quantity"


# Which fact and which of its measures a plan's metric is measured by. Sell-through would read
# (stock_report, quantity) once stock reports are consumed.
METRIC_MEASURES: dict[str, tuple[Source, Measure]] = {
    "sales_amount": (Source.order, Measure.amount),
    "volume": (Source.order, Measure.quantity),
    "collections": (Source.payment, Measure.amount),
}


class UnattributedReason(StrEnum):
    unknown_dealer = "unknown_dealer"  # the producer did not know the dealer, so no org unit owns it
    unknown_org_unit = "unknown_org_unit"  # an org unit the tree does not (yet) have
    no_covering_rep = "no_covering_rep"  # attributed to the org unit only


def counts_as_sale(status: str) -> bool:
    return status in SALE_STATUSES


def supersedes(version: int, attributed: bool, kept_version: int, kept_attributed: bool) -> bool:
    """Whether an arriving version of a fact replaces the one kept: a newer ERP version does, and so does the
    same version once its dealer is known (inventory re-publishes an order that arrived before its dealer
    existed, now attributed); anything else is a repeat or a late older version and changes nothing."""
    return version > kept_version or (version == kept_version and attributed and not kept_attributed)


def measure_of(metric: str) -> tuple[Source, Measure]:
    """The fact source and measure behind a plan's metric; a metric with no actuals yet is refused."""
    try:
        return METRIC_MEASURES[metric]
    except KeyError:
        known = ", ".join(sorted(METRIC_MEASURES))
        raise InvalidInput(
            f"no actuals are recorded for metric {metric!r} yet (progress is measured for: {known})", field="metric"
        ) from None


@dataclass(frozen=True)
class Share:
    person_id: uuid.UUID
    share: Decimal


@dataclass(frozen=True)
class Attribution:
    org_unit_id: uuid.UUID | None
    person_id: uuid.UUID | None
    amount: Decimal
    quantity: Decimal


def check_shares(shares: Sequence[Share]) -> None:
    """Each rep once, each share above 0, together exactly 1 (no reps at all means the dealer is uncovered)."""
    if not shares:
        return
    people = [s.person_id for s in shares]
    if len(set(people)) != len(people):
        raise InvalidInput("a rep is listed twice for the dealer", field="reps")
    for index, share in enumerate(shares):
        if not Decimal(0) < share.share <= Decimal(1):
            raise InvalidInput(
                f"a share must be above 0 and at most 1, got {share.share}", field=f"reps[{index}].share"
            )
    total = sum((s.share for s in shares), Decimal(0))
    if total != 1:
        raise InvalidInput(f"the reps' shares of a dealer must sum to 1, they sum to {total}", field="reps")


def _split_signed(value: Decimal, weights: list[Decimal], step: Decimal) -> list[Decimal]:
    parts = split_amount(abs(value), weights, step=step)
    return [-p for p in parts] if value < 0 else parts


def attribute(
    org_unit_id: uuid.UUID | None, shares: Sequence[Share], amount: Decimal, quantity: Decimal
) -> list[Attribution]:
    """Split a fact over its covering reps by share (largest remainder, exact cents and thousandths)."""
    if not shares:
        return [Attribution(org_unit_id, None, amount, quantity)]
    ordered = sorted(shares, key=lambda s: s.person_id)
    weights = [s.share for s in ordered]
    amounts = _split_signed(amount, weights, AMOUNT_STEP)
    quantities = _split_signed(quantity, weights, QUANTITY_STEP)
    return [Attribution(org_unit_id, s.person_id, a, q) for s, a, q in zip(ordered, amounts, quantities, strict=False)]


@dataclass(frozen=True)
class CoverageSpan:
    person_id: uuid.UUID
    share: Decimal
    valid_from: date
    valid_to: date | None  # exclusive; none = until further notice

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def shares_on(timeline: Sequence[CoverageSpan], day: date) -> list[Share]:
    return [Share(s.person_id, s.share) for s in timeline if s.covers(day)]


def replace_coverage(
    timeline: Sequence[CoverageSpan], valid_from: date, valid_to: date | None, shares: Sequence[Share]
) -> list[CoverageSpan]:
    """The dealer's coverage with [valid_from, valid_to) given to `shares`; spans around it are cut, not lost."""
    if valid_to is not None and valid_to <= valid_from:
        raise InvalidInput("valid_to must be after valid_from", field="valid_to")
    check_shares(shares)
    kept: list[CoverageSpan] = []
    for span in timeline:
        if span.valid_from < valid_from:  # the part before the new period
            end = valid_from if span.valid_to is None else min(span.valid_to, valid_from)
            kept.append(CoverageSpan(span.person_id, span.share, span.valid_from, end))
        if valid_to is not None and (span.valid_to is None or span.valid_to > valid_to):  # the part after it
            kept.append(CoverageSpan(span.person_id, span.share, max(span.valid_from, valid_to), span.valid_to))
    kept += [CoverageSpan(s.person_id, s.share, valid_from, valid_to) for s in shares]
    return sorted(kept, key=lambda s: (s.valid_from, str(s.person_id)))


def change_days(timeline: Sequence[CoverageSpan]) -> list[date]:
    """The days on which the dealer's coverage may change: where spans start or end."""
    return sorted({s.valid_from for s in timeline} | {s.valid_to for s in timeline if s.valid_to is not None})


def check_timeline(timeline: Sequence[CoverageSpan]) -> None:
    """On every day a dealer is covered by nobody or by shares summing to exactly 1, each rep once."""
    for day in change_days(timeline):
        check_shares(shares_on(timeline, day))
