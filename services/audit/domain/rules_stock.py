"""Rules on weekly stock reports (进销存): sold = opening + received - closing (000); stock days band 20-25 (003)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from services.audit.domain.facts import StockLineFact
from services.audit.domain.hits import Hit, SettingOf, hit, week_of


def _subject(line: StockLineFact) -> str:
    return f"dealer:{line.dealer_id}/sku:{line.sku}"


def negative_sold(lines: Iterable[StockLineFact], setting_of: SettingOf) -> list[Hit]:
    """More stock at the end than at the start plus receipts: the report does not add up."""
    hits = []
    for line in lines:
        s = setting_of(line.org_unit_id)
        if s.enabled and line.sold < 0:
            hits.append(
                hit(
                    "negative_sold",
                    _subject(line),
                    week_of(line.week_start),
                    line.org_unit_id,
                    s,
                    [line.event_id],
                    sold=str(line.sold),
                )
            )
    return hits


def receipt_mismatch(lines: Iterable[StockLineFact], setting_of: SettingOf) -> list[Hit]:
    """Received differs from what the company shipped to the dealer that week by more than the tolerance."""
    hits = []
    for line in lines:
        s = setting_of(line.org_unit_id)
        allowed = line.shipped * s["tolerance_pct"] / 100
        if s.enabled and abs(line.received - line.shipped) > allowed:
            hits.append(
                hit(
                    "receipt_mismatch",
                    _subject(line),
                    week_of(line.week_start),
                    line.org_unit_id,
                    s,
                    [line.event_id],
                    received=str(line.received),
                    shipped=str(line.shipped),
                )
            )
    return hits


def stock_days(line: StockLineFact) -> Decimal | None:
    """closing / (sold / 7); None when nothing was sold (infinite cover while any stock is left)."""
    if line.sold <= 0:
        return None
    return line.closing * 7 / line.sold


def _out_of_band(line: StockLineFact, low: Decimal, high: Decimal) -> bool:
    """Compared without dividing (closing x 7 against days x sold), so SQL and Python agree at the edges."""
    if line.sold <= 0:
        return line.closing > 0
    return line.closing * 7 < low * line.sold or line.closing * 7 > high * line.sold


def stock_days_out_of_band(lines: Iterable[StockLineFact], setting_of: SettingOf) -> list[Hit]:
    """Stock days outside [min_days, max_days] for `weeks` consecutive weekly reports; fires on each run's last."""
    series: dict[tuple[uuid.UUID, str], list[StockLineFact]] = defaultdict(list)
    for line in lines:
        series[(line.dealer_id, line.sku)].append(line)
    hits = []
    for weeks in series.values():
        weeks.sort(key=lambda x: x.week_start)
        run: list[StockLineFact] = []
        for line in weeks:
            s = setting_of(line.org_unit_id)
            contiguous = run and line.week_start - run[-1].week_start == timedelta(days=7)
            if not _out_of_band(line, s["min_days"], s["max_days"]):
                run = []
                continue
            run = [*run, line] if contiguous else [line]
            if s.enabled and len(run) >= int(s["weeks"]):
                recent = run[-int(s["weeks"]) :]
                hits.append(
                    hit(
                        "stock_days_out_of_band",
                        _subject(line),
                        week_of(line.week_start),
                        line.org_unit_id,
                        s,
                        [x.event_id for x in recent],
                        weeks=len(recent),
                    )
                )
    return hits


def near_expiry_stock(lines: Iterable[StockLineFact], setting_of: SettingOf) -> list[Hit]:
    """Near-expiry stock (即期品) a larger share of closing stock than the threshold."""
    hits = []
    for line in lines:
        s = setting_of(line.org_unit_id)
        if s.enabled and line.closing > 0 and line.near_expiry * 100 > s["max_share_pct"] * line.closing:
            hits.append(
                hit(
                    "near_expiry_stock",
                    _subject(line),
                    week_of(line.week_start),
                    line.org_unit_id,
                    s,
                    [line.event_id],
                    near_expiry=str(line.near_expiry),
                    closing=str(line.closing),
                )
            )
    return hits
