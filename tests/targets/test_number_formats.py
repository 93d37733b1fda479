"""One money format and one quantity format across the targets API (issue 14, item 6), swept from outside.

Every decimal a targets endpoint answers is a JSON string: money and plan values (targets, actuals, gaps, run
rates, rounding steps, cell values, diffs, proposals) with exactly 2 decimals, quantities with exactly 3, rates
(achievement, time progress) with exactly 4, shares of one (coverage, a split's shares) with exactly 6; only a
split's weights and a behind margin keep the form they were given in. The world (through the APIs, an order posted
to inventory) is built so that every endpoint has figures to show.
"""

from __future__ import annotations

import re

import pytest

from tests.support import create_org_unit, erp_order, unique, wait_until
from tests.targets.outside import dealer_covered, office_with_reps, ok, published_plan

pytestmark = pytest.mark.usefixtures("workers")

DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")
QUANTITIES = {"quantity"}
RATES = {"achievement_rate", "time_progress"}
SHARES = {"share", "pool_share", "product_share", "month_share"}  # shares of one, 6 decimals like a coverage share
OWN_FORMAT = {"weight", "margin", "behind_margin"}  # documented apart: weights as given, settings as set


def decimals_of(body, path: str = "") -> list[tuple[str, str]]:
    """(key path, value) of every decimal string in an answer, at any depth."""
    found: list[tuple[str, str]] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, str) and DECIMAL.fullmatch(value):
                found.append((f"{path}.{key}", value))
            else:
                found += decimals_of(value, f"{path}.{key}")
    elif isinstance(body, list):
        for item in body:
            found += decimals_of(item, f"{path}[]")
    return found


def wrong_places(answers: dict) -> list[tuple[str, str]]:
    wrong = []
    for name, body in answers.items():
        for path, value in decimals_of(body):
            key = path.rsplit(".", 1)[-1]
            if key in OWN_FORMAT:
                continue
            places = 3 if key in QUANTITIES else 4 if key in RATES else 6 if key in SHARES else 2
            if len(value.split(".")[1]) != places:
                wrong.append((f"{name}{path}", value))
    return wrong


def test_every_targets_answer_uses_one_money_and_one_quantity_format(clients, admin, token):
    api, inventory = clients["targets"], clients["inventory"]
    company = create_org_unit(api, admin, kind="company")["id"]
    region = create_org_unit(api, admin, kind="region", parent_id=company)["id"]
    office, (r1, r2) = office_with_reps(clients, admin, parent_id=region)
    dealer = dealer_covered(clients, admin, office, {r1: "0.6", r2: "0.4"})
    plan = published_plan(
        clients,
        admin,
        region,
        "sales_amount",
        {
            "parent_value": "7000000",
            "levels": [{"parent_kind": "office", "method": "manual"}],
            "nodes": [{"node_id": r1, "manual_weight": "6"}, {"node_id": r2, "manual_weight": "4"}],
            "product_shares": [{"product_line": "BEER", "share": "6"}, {"product_line": "WINE", "share": "4"}],
        },
    )
    order = erp_order(unique("SO"), dealer["code"], ordered_on="2026-03-02", lines=(("SKU-F", "2.5", "12.5"),))
    assert inventory.post("/erp/orders", headers=token("erp"), json=order).status_code == 202
    window = {"date_from": "2026-03-02", "date_to": "2026-03-02"}
    wait_until(lambda: ok(api.get(f"/actuals/{office}", headers=admin, params=window))["orders"] == 1, message="order")
    change = {"org_unit_id": office, "person_id": r1, "product_line": "BEER", "month": 12, "value": "250001"}
    adjustment = ok(
        api.post(
            f"/plans/{plan}/adjustments",
            headers=token("region_manager", org_unit=region),
            json={"reason": "Sweep", "changes": [change]},
        ),
        201,
    )
    ok(api.post(f"/plans/{plan}/adjustments/{adjustment['id']}/approve", headers=admin))

    volume = {"metric": "volume", "fiscal_year": 2026, "unit": "case", "rounding_step": "0.5"}
    draft = ok(
        api.post("/plans", headers=admin, json={"name": unique("Draft"), **volume, "root_org_unit_id": region}), 201
    )
    ok(api.post(f"/plans/{draft['id']}/decomposition", headers=admin, json={"parent_value": "1000"}))
    proposal = ok(api.post(f"/plans/{draft['id']}/proposals", headers=admin,
                           json={"org_unit_id": office, "proposed_value": "900", "reason": "Sweep"}), 201)  # fmt: skip

    year = {"period": "2026", "as_of": "2026-03-13"}
    progress = f"/plans/{plan}/progress"
    answers = {
        "plan": ok(api.get(f"/plans/{plan}", headers=admin)),
        "draft": draft,
        "cells": ok(api.get(f"/plans/{plan}/cells", headers=admin, params={"limit": 100})),
        "split": ok(api.get(f"/plans/{plan}/splits/{region}", headers=admin)),
        "explanation": ok(
            api.get(
                f"/plans/{plan}/cells/explanation",
                headers=admin,
                params={"org_unit_id": office, "person_id": r1, "product_line": "BEER", "month": 3},
            )
        ),  # fmt: skip
        "adjustment": ok(api.get(f"/plans/{plan}/adjustments/{adjustment['id']}", headers=admin)),
        "diff": ok(api.get(f"/plans/{plan}/diff", headers=admin, params={"from_version": 1, "to_version": 2})),
        "proposal": proposal,
        "proposals": ok(api.get(f"/plans/{draft['id']}/proposals", headers=admin)),
        "draft_split": ok(api.get(f"/plans/{draft['id']}/splits/{region}", headers=admin)),
        "unit": ok(api.get(f"{progress}/org-units/{office}", headers=admin, params=year)),
        "person": ok(api.get(f"{progress}/people/{r1}", headers=admin, params=year)),
        "ranking": ok(api.get(f"{progress}/org-units/{region}/ranking", headers=admin, params=year)),
        "product_lines": ok(api.get(f"{progress}/org-units/{office}/product-lines", headers=admin, params=year)),
        "actuals": ok(api.get(f"/actuals/{office}", headers=admin, params=window)),
        "reconciliation": ok(
            api.get("/actuals/reconciliation", headers=admin, params={**window, "org_unit_id": company})
        ),
        "coverage": ok(api.get(f"/dealers/{dealer['id']}/coverage", headers=admin)),
    }
    wrong = wrong_places(answers)
    assert wrong == [], "\n".join(f"{p} = {v}" for p, v in wrong)
    # Hand-worked spot checks: the plan's step and total, the order's 2.5 x 12.50, the adjusted cell.
    assert answers["plan"]["rounding_step"] == "1.00" and answers["draft"]["rounding_step"] == "0.50"
    assert answers["split"]["parent_value"] == "7000000.00"
    assert (answers["actuals"]["amount"], answers["actuals"]["quantity"]) == ("31.25", "2.500")
    assert [(c["old_value"], c["new_value"]) for c in answers["diff"]["cells"]] == [
        ("210000.00", "250001.00")
    ]  # 7,000,000 x 0.6 x 0.6 / 12
    assert answers["unit"]["figures"]["achievement_rate"] == "0.0000"  # 31.25 of 7,000,000 rounds to 0.0000
    assert len(decimals_of(answers)) > 50  # the sweep saw the figures it is meant to check
