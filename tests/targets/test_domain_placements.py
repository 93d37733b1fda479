"""Stays of moved units and roll-ups along the path of each stay (no fixtures)."""

import uuid
from datetime import date

from services.targets.domain.placements import Placement, lineage_below, stays

C, EAST, NORTH, SH = (uuid.uuid4() for _ in range(4))


def path(*ids: uuid.UUID) -> str:
    return ".".join(i.hex for i in ids)


HISTORY = [
    Placement(SH, EAST, path(C, EAST, SH), None, date(2026, 7, 1)),
    Placement(SH, NORTH, path(C, NORTH, SH), date(2026, 7, 1), None),
    Placement(EAST, C, path(C, EAST), None, None),
]


def test_a_move_splits_the_period_into_stays_that_end_the_day_before_the_move():
    found = stays(HISTORY, date(2026, 1, 1), date(2026, 12, 31))
    assert [(s.first, s.last) for s in found[SH]] == [
        (date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 12, 31)),
    ]
    assert [(s.first, s.last) for s in stays(HISTORY, date(2026, 1, 1), date(2026, 3, 31))[SH]] == [
        (date(2026, 1, 1), date(2026, 3, 31))
    ]


def test_a_path_outside_the_root_counts_nowhere():
    assert lineage_below(path(C, NORTH, SH), EAST) == []
    assert lineage_below(path(C, EAST, SH), EAST) == [EAST, SH]
