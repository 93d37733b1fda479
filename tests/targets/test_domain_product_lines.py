"""Targets by product line for the days a unit stood under a node, worked by hand (no fixtures)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

from services.targets.domain.calendar import SellingCalendar
from services.targets.domain.placements import Stay
from services.targets.domain.product_lines import LineCell, line_targets

SH, HZ, GONE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def test_a_moved_unit_counts_its_months_and_selling_days_under_the_node():
    cells = [
        LineCell(SH, "BEER", 6, D("3000.00")),
        LineCell(SH, "BEER", 7, D("2200.00")),
        LineCell(SH, "WINE", 7, D("1000.00")),
        LineCell(HZ, "BEER", 7, D("500.00")),
        LineCell(GONE, "BEER", 7, D("9999.00")),  # no stay under the node: counts nothing
    ]
    stays = {
        # SH stood under the node until 15 July; HZ all of June and July.
        SH: [Stay(SH, "c.e.sh", date(2026, 6, 1), date(2026, 7, 15))],
        HZ: [Stay(HZ, "c.e.hz", date(2026, 6, 1), date(2026, 7, 31))],
    }
    # July 2026 has 23 weekdays, 11 of them from the 1st (a Wednesday) to the 15th:
    # BEER 3,000 + 2,200 x 11/23 (1,052.173...) + 500 = 4,552.17; WINE 1,000 x 11/23 = 478.26.
    assert line_targets(cells, stays, SellingCalendar(), 2026) == {"BEER": D("4552.17"), "WINE": D("478.26")}


def test_a_unit_back_under_the_node_counts_both_stays():
    cells = [LineCell(SH, "", 3, D("2200.00"))]
    # March 2026: 22 weekdays; 2-6 (5) and 23-31 (7) under the node: 2,200 x 12/22 = 1,200.
    stays = {
        SH: [Stay(SH, "a", date(2026, 3, 2), date(2026, 3, 6)), Stay(SH, "b", date(2026, 3, 23), date(2026, 3, 31))]
    }
    assert line_targets(cells, stays, SellingCalendar(), 2026) == {"": D("1200.00")}


def test_a_one_day_stay_counts_that_selling_day():
    # Monday 2 March 2026 only: 1 of March's 22 weekdays -> 2,200 x 1/22 = 100.
    cells = [LineCell(SH, "BEER", 3, D("2200.00"))]
    stays = {SH: [Stay(SH, "a", date(2026, 3, 2), date(2026, 3, 2))]}
    assert line_targets(cells, stays, SellingCalendar(), 2026) == {"BEER": D("100.00")}


def test_a_stay_outside_the_cells_month_counts_nothing():
    # the unit stood under the node in June only; its July cell is not the node's
    cells = [LineCell(SH, "BEER", 7, D("2200.00"))]
    stays = {SH: [Stay(SH, "a", date(2026, 6, 1), date(2026, 6, 30))]}
    assert line_targets(cells, stays, SellingCalendar(), 2026) == {}
