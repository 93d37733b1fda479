"""A plan tree's paths, and a cut of a plan whose root unit sits below others in the organisation."""

from services.targets.domain.plan_tree import PlanNode, PlanTree


def office_tree() -> PlanTree:
    # The plan's root is office O1, which itself hangs below region R (outside the plan).
    tree = PlanTree("O1")
    for key, kind, parent in [
        ("O1", "office", "R"),
        ("T1", "team", "O1"),
        ("rep1", "rep", "T1"),
        ("rep2", "rep", "O1"),
    ]:
        tree.add(PlanNode(key, kind, parent))
    return tree


def test_the_path_to_a_rep_runs_from_the_root_down():
    tree = PlanTree("R")
    for key, kind, parent in [("R", "region", None), ("O1", "office", "R"), ("rep1", "rep", "O1")]:
        tree.add(PlanNode(key, kind, parent))
    assert tree.path_to("rep1") == ["R", "O1", "rep1"]
    assert tree.path_to("R") == ["R"]


def test_cutting_a_plan_rooted_below_the_top_keeps_its_root_as_the_root():
    cut = office_tree().cut_at("team")
    assert cut.nodes["O1"] == PlanNode("O1", "office", None)
    assert sorted(cut.nodes) == ["O1", "T1", "rep2"]  # rep1 hangs below a team, the new leaf level
