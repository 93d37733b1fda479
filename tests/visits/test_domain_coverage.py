"""Coverage metrics per rep and rolled up (ratios of sums, not averages of ratios)."""

from decimal import Decimal

from services.visits.domain.coverage import Counts, metrics, roll_up

REP1 = Counts(
    planned=20,
    done_planned=15,
    visits=18,
    visits_with_order=6,
    minutes_in_store=360,
    outlets_owned=25,
    outlets_visited=16,
)
REP2 = Counts(
    planned=10,
    done_planned=10,
    visits=10,
    visits_with_order=5,
    minutes_in_store=150,
    outlets_owned=15,
    outlets_visited=10,
)


def test_a_reps_metrics():
    m = metrics(REP1)
    # 15/20, 16/25, 360/18, 6/18
    assert (m.plan_compliance, m.coverage, m.average_minutes_in_store, m.strike_rate) == (
        Decimal("0.7500"),
        Decimal("0.6400"),
        Decimal("20.0"),
        Decimal("0.3333"),
    )


def test_rolled_up_metrics_are_ratios_of_sums():
    m = metrics(roll_up([REP1, REP2]))
    # 25/30 = 0.8333 (the average of 0.75 and 1.0 would say 0.875); 26/40; 510/28 = 18.21; 11/28 = 0.3929
    assert (m.plan_compliance, m.coverage, m.average_minutes_in_store, m.strike_rate) == (
        Decimal("0.8333"),
        Decimal("0.6500"),
        Decimal("18.2"),
        Decimal("0.3929"),
    )


def test_nothing_planned_is_no_figure_not_zero():
    m = metrics(Counts(0, 0, 0, 0, 0, 0, 0))
    assert m.plan_compliance is None and m.coverage is None and m.strike_rate is None
