"""The visibility rule alone: a rep sees their own figures and their office's total; a manager their subtree and
their parent's total, never a sibling's figures."""

import uuid

from services.targets.domain.visibility import Viewer, sees_figures, sees_total, visible_children

# company C -> regions East, North; East -> offices O1, O2; O1 -> reps a1, a2.
C, EAST, NORTH, O1, O2, A1, A2 = (uuid.uuid4() for _ in range(7))
LINEAGE = {
    C: [C],
    EAST: [C, EAST],
    NORTH: [C, NORTH],
    O1: [C, EAST, O1],
    O2: [C, EAST, O2],
    A1: [C, EAST, O1, A1],
    A2: [C, EAST, O1, A2],
}
EAST_MANAGER = Viewer(own=EAST, parent=C)
REP_A1 = Viewer(own=A1, parent=O1)


def test_a_manager_sees_their_subtree_and_only_their_parents_total():
    assert all(sees_figures(EAST_MANAGER, LINEAGE[n]) for n in (EAST, O1, O2, A1, A2))
    assert not sees_figures(EAST_MANAGER, LINEAGE[C])  # the company's split would show North
    assert sees_total(EAST_MANAGER, LINEAGE[C])
    assert not sees_total(EAST_MANAGER, LINEAGE[NORTH]) and not sees_figures(EAST_MANAGER, LINEAGE[NORTH])


def test_a_rep_sees_their_own_figures_and_their_offices_total_only():
    assert sees_figures(REP_A1, LINEAGE[A1])
    assert not sees_figures(REP_A1, LINEAGE[A2])  # a peer
    assert not sees_figures(REP_A1, LINEAGE[O1]) and sees_total(REP_A1, LINEAGE[O1])
    assert not sees_total(REP_A1, LINEAGE[EAST])  # the region's total is above the office


def test_a_split_shows_every_child_below_the_viewer_and_only_their_own_line_of_their_parents():
    company_split = [(EAST, "east"), (NORTH, "north")]
    office_split = [(A1, "a1"), (A2, "a2")]
    assert visible_children(EAST_MANAGER, LINEAGE[C], company_split) == ["east"]
    assert visible_children(EAST_MANAGER, LINEAGE[O1], office_split) == ["a1", "a2"]
    assert visible_children(REP_A1, LINEAGE[O1], office_split) == ["a1"]
    assert visible_children(REP_A1, LINEAGE[EAST], [(O1, "o1"), (O2, "o2")]) is None  # 404
    assert visible_children(Viewer(), LINEAGE[O1], office_split) is None  # a token without a unit sees nothing
    assert visible_children(Viewer(everything=True), LINEAGE[C], company_split) == ["east", "north"]
