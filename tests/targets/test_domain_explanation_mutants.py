"""The sentences of an explanation, built by hand for each branch: locked, clamped by a floor or a ceiling,
rounded up, down or not at all, a pool smaller than the parent; and the number formats they use."""

from decimal import Decimal as D

import pytest

from services.targets.domain.explanation import Explanation, describe, grouped, narrate, percent, share_text, show
from services.targets.domain.model import Method


def explanation(**fields):
    base = dict(
        method=Method.EQUAL,
        parent=D(1000),
        step=D(1),
        value=D(334),
        weight=D(1),
        share=D("0.3333"),
        pool=D(1000),
        pool_share=D("0.3333"),
        raw_value=D("333.3333"),
        rounding_adjustment=D("0.6667"),
    )
    return Explanation(**{**base, **fields})


def test_rounded_up_down_or_not_at_all():
    assert describe(explanation()) == (
        "Equal split: 33.33 % of 1000 = 333.33, rounded up by 0.67 to 334; the children add up to exactly 1000."
    )
    down = explanation(value=D(333), rounding_adjustment=D("-0.3333"))
    assert ", rounded down by 0.33 to 333;" in describe(down)
    exact = explanation(value=D(250), raw_value=D(250), rounding_adjustment=D(0), pool_share=D("0.25"))
    assert (
        describe(exact)
        == "Equal split: 25.00 % of 1000 = 250, no rounding needed; the children add up to exactly 1000."
    )


def test_a_pool_after_locks_and_a_value_moved_by_others_bounds():
    e = explanation(pool=D(600), pool_share=D("0.5"), unclamped_value=D(300), raw_value=D(320), value=D(320),
                    rounding_adjustment=D(0))  # fmt: skip
    assert describe(e) == (
        "Equal split: 50.00 % of the 600 left after locked siblings would be 300; it is 320 once growth bounds "
        "held other siblings, no rounding needed; the children add up to exactly 1000."
    )


def test_a_floor_raises_the_value_and_names_the_growth():
    e = explanation(clamp="floor", value=D(540), last_year=D(600), unclamped_value=D("333.3333"), raw_value=D(540),
                    rounding_adjustment=D(0))  # fmt: skip
    assert describe(e) == (
        "Equal split gave 333.33, raised to 540 by the growth floor (-10.00 % on last year's 600); "
        "the shortfall came from the siblings within their bounds."
    )
    assert narrate(e, "East", "North", "元") == (
        "East: Equal split of North's 1,000 元 gave 333.33 元, raised to 540 元 by the growth floor (-10.00 % on "
        "last year's 600 元); the shortfall came from the other units under North."
    )


def test_a_ceiling_caps_the_value_in_the_narration():
    e = explanation(clamp="ceiling", value=D(130), last_year=D(100), unclamped_value=D(500), raw_value=D(130),
                    rounding_adjustment=D(0))  # fmt: skip
    assert narrate(e, "East", "North") == (
        "East: Equal split of North's 1,000 gave 500, capped at 130 by the growth ceiling (+30.00 % on last "
        "year's 100); the excess went to the other units under North."
    )


def test_a_locked_unit_leaves_the_rest_to_the_others():
    e = explanation(locked=True, value=D(300))
    assert narrate(e, "East", "North") == (
        "East is locked at 300 by the manager; the rest of North's 1,000, 700, is shared by the other units under "
        "North."
    )
    assert describe(e) == "Locked at 300 by the manager; the unlocked siblings share the rest of 1000."


def test_narration_of_a_rounded_share_of_what_locks_leave():
    e = explanation(pool=D(600), pool_share=D("0.5"), raw_value=D("299.5"), value=D(300), rounding_adjustment=D("0.5"))
    assert narrate(e, "East", "North") == (
        "East gets Equal split: 50.00 % of the rest of North's 1,000 once locked units are taken out, 600 = 299.5, "
        "rounded up to 300; the units under North add up to exactly 1,000."
    )
    down = explanation(raw_value=D("300.5"), value=D(300), rounding_adjustment=D("-0.5"))
    assert ", rounded down to 300;" in narrate(down, "East", "North")
    assert "rounded" not in narrate(explanation(raw_value=D(334), rounding_adjustment=D(0)), "East", "North")


@pytest.mark.parametrize(
    "amount, step, text",
    [
        (D("1234.5"), D("0.01"), "1234.5"),  # 2 + 2 places, zeros trimmed
        (D("1.23456"), D("0.01"), "1.2346"),
        (D("-0.001"), D(1), "0"),  # never "-0"
        (D(0), D(1), "0"),
        (D(12), D(10), "12"),
    ],
)
def test_show(amount, step, text):
    assert show(amount, step) == text


@pytest.mark.parametrize(
    "amount, step, unit, extra, text",
    [
        (D("1234567.5"), D("0.01"), "元", 0, "1,234,567.50 元"),
        (D("1234.5678"), D(1), "", 2, "1,234.57"),
        (D("1234.5"), D(1), "", 2, "1,234.5"),
        (D("1234"), D(1), "", 2, "1,234"),
        (D("1234.5"), D("0.1"), "", 2, "1,234.5"),
        (D(5), D("1.0000"), "", 0, "5"),
    ],
)
def test_grouped(amount, step, unit, extra, text):
    assert grouped(amount, step, unit, extra) == text


def test_percent_has_two_decimals():
    assert percent(D("0.125")) == "12.50 %"


def test_an_amount_is_grouped_to_the_steps_decimals_by_default():
    # step 1: no decimals, 1234.56 shows as 1,235
    assert grouped(D("1234.56"), D(1)) == "1,235"


def test_narration_shows_the_raw_value_with_two_more_decimals_and_last_year_to_the_step():
    # 1000 / 3 = 333.3333 shown as 333.33 (the step's 0 decimals + 2)
    assert "= 333.33, rounded up to 334;" in narrate(explanation(), "East", "North")
    # a ceiling of 130 on last year's 100.40: 130 / 100.4 - 1 = +29.48 %; last year shown to the step: 100
    e = explanation(clamp="ceiling", value=D(130), last_year=D("100.40"), unclamped_value=D(500), raw_value=D(130),
                    rounding_adjustment=D(0))  # fmt: skip
    assert "(+29.48 % on last year's 100);" in narrate(e, "East", "North")


def test_the_answer_gives_shares_with_six_decimals_and_weights_as_given():
    assert share_text(D("0.1234565")) == "0.123457"  # half up
    assert share_text(None) is None
    assert explanation(weight=D("2.5")).as_dict()["weight"] == "2.5"
    assert explanation(weight=None).as_dict()["weight"] is None
