"""Hash chain links, reproducible stratified spot-check samples, risk scores and their weekly trend."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

from services.audit.domain.chain import GENESIS, Link, first_broken, link_hash
from services.audit.domain.risk import ScoredFinding, finding_score, scores, weekly_trend
from services.audit.domain.sampling import allocate, stratified_sample
from services.audit.domain.settings import Severity


def event(n: int, amount: str = "10") -> dict:
    return {
        "event_id": f"e{n}",
        "topic": "t.x.v1",
        "type": "t.x",
        "version": 1,
        "source": "/s",
        "subject": "k",
        "correlation_id": None,
        "occurred_at": datetime(2026, 3, n, tzinfo=UTC),
        "data": {"amount": amount},
    }


def chain(events):
    links, previous = [], GENESIS
    for seq, e in enumerate(events, 1):
        h = link_hash(previous, e)
        links.append(Link(seq, previous, h, e))
        previous = h
    return links


def test_intact_chain_verifies_and_an_altered_event_is_the_first_broken_link():
    links = chain([event(1), event(2), event(3)])
    assert first_broken(links) is None
    altered = [links[0], Link(2, links[1].prev_hash, links[1].hash, event(2, "99")), links[2]]
    broken = first_broken(altered)
    assert broken is not None
    assert (broken.seq, broken.event_id) == (2, "e2") and "content" in broken.reason
    after_removal = first_broken([links[0], links[2]])
    assert after_removal is not None and after_removal.seq == 3  # a removed link breaks the next one


def test_allocation_by_risk_weight_and_largest_remainder():
    # weight x size: high 3x10 = 30, medium 2x20 = 40, low 1x70 = 70; 20 x 30/140 = 4.29, 5.71, 10.0 -> 4, 5 (+1), 10.
    assert allocate({"high": 10, "medium": 20, "low": 70}, 20) == {"high": 4, "medium": 6, "low": 10}
    # high 3x2 = 6, low 1x50 = 50: 10 x 6/56 = 1.07, 10 x 50/56 = 8.93 -> 1 and 8, the spare one to low (.93).
    assert allocate({"high": 2, "low": 50}, 10) == {"high": 1, "low": 9}
    # high 3x2 = 6, low 5: 6 x 6/11 = 3.27 is capped at the 2 there are; the rest go to low.
    assert allocate({"high": 2, "low": 5}, 6) == {"high": 2, "low": 4}


def test_same_seed_same_sample_other_seed_other_sample():
    strata = {
        "high": [f"h{i}" for i in range(10)],
        "medium": [f"m{i}" for i in range(20)],
        "low": [f"l{i}" for i in range(70)],
    }
    first = stratified_sample(strata, 20, seed=42)
    assert first == stratified_sample({k: list(reversed(v)) for k, v in strata.items()}, 20, seed=42)
    assert first != stratified_sample(strata, 20, seed=43)
    assert len(first) == len(set(first)) == 20


def test_risk_score_by_severity_and_age_and_its_trend():
    # high, 15 days old: 9 x (1 + 15/30) = 13.5; medium, 120 days (capped at 90): 3 x 4 = 12. Dealer: 25.5.
    on = date(2026, 4, 30)
    findings = [
        ScoredFinding("dealer:d1", Severity.high, date(2026, 4, 15), None),
        ScoredFinding("dealer:d1", Severity.medium, date(2025, 12, 31), None),
        ScoredFinding("dealer:d2", Severity.critical, date(2026, 4, 1), date(2026, 4, 10)),  # closed: no score
    ]
    assert finding_score(Severity.high, 15) == D("13.50")
    assert scores(findings, on) == {"dealer:d1": D("25.50")}
    trend = weekly_trend(findings, on, 3)
    # 16 April: high 1 day -> 9.30; medium 106 days, capped -> 12.00.
    assert [d for d, _ in trend] == [date(2026, 4, 16), date(2026, 4, 23), on]
    assert trend[0][1] == {"dealer:d1": D("21.30")}
