"""The events a stock report causes: the report with its derived figures, and alerts for lines that need action."""

from __future__ import annotations

from datetime import date

from shared.events.base import Event
from shared.events.inventory import StockAlert, StockAlertsRaised, StockLineFigures, StockReportSubmitted


def report_events(report, period_start: date, figures: list) -> list:
    """StockReportSubmitted, plus StockAlertsRaised when a line is low, high or holds near-expiry stock.

    The events are built with model_construct: every value comes typed from the domain, and validating a million
    lines again would cost more than deriving them."""
    dealer = report.dealer
    lines: list[StockLineFigures] = []
    alerts: list[StockAlert] = []
    for sku, line, derived in figures:
        lines.append(
            StockLineFigures(
                sku_id=sku.id,
                sku=sku.code,
                opening=line.opening,
                received=line.received,
                closing=line.closing,
                sold=derived.sold,
                safety_stock=derived.safety_stock,
                stock_days=derived.stock_days,
                band=derived.band,
                oldest_age_days=derived.oldest_age_days,
                near_expiry=derived.near_expiry,
                suggested_order=derived.suggested_order,
                flags=list(derived.flags),
            )
        )
        kinds = ([derived.band] if derived.band != "normal" else []) + (["near_expiry"] if derived.near_expiry else [])
        alerts.extend(
            StockAlert(
                sku_id=sku.id,
                sku=sku.code,
                kind=kind,
                closing=line.closing,
                stock_days=derived.stock_days,
                near_expiry=derived.near_expiry,
                suggested_order=derived.suggested_order,
            )
            for kind in kinds
        )
    events: list[Event] = [
        StockReportSubmitted.model_construct(
            report_id=report.id,
            dealer_id=dealer.id,
            dealer_code=dealer.code,
            org_unit_id=dealer.org_unit_id,
            period_start=period_start,
            period_end=report.period_end,
            lines=lines,
        )
    ]
    if alerts:
        events.append(
            StockAlertsRaised.model_construct(
                report_id=report.id,
                dealer_id=dealer.id,
                org_unit_id=dealer.org_unit_id,
                period_end=report.period_end,
                alerts=alerts,
            )
        )
    return events
