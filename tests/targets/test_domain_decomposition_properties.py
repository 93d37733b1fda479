"""Properties of every split under random inputs: exact sums, whole steps, locks kept, near-proportional."""

from decimal import Decimal as D
from fractions import Fraction
from math import ceil, floor

from hypothesis import given, settings
from hypothesis import strategies as st

from services.targets.domain.cross_split import MONTH_NUMBERS, cross_split, month_splitter
from services.targets.domain.decomposition import Child, GrowthBounds, Method, SplitRequest, decompose
from services.targets.domain.rounding import from_units, split_units, tie_order
from services.targets.domain.seasonality import split_by_seasonality
from shared.errors import InvalidInput

STEPS = st.sampled_from([D(1), D(100), D("0.01"), D("0.05"), D(5)])
WEIGHTS = st.integers(0, 10_000).map(lambda n: D(n) / 100)


def is_whole_steps(value, step):
    return (Fraction(value) / Fraction(step)).denominator == 1


@st.composite
def manual_splits(draw, locks=True):
    step = draw(STEPS)
    n = draw(st.integers(1, 8))
    weights = draw(st.lists(WEIGHTS, min_size=n, max_size=n))
    if not any(weights):
        weights[draw(st.integers(0, n - 1))] = D(1)
    locked: list[int | None] = [None] * n
    if locks:
        locked = draw(st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=n, max_size=n))
    spreadable = any(w for w, lock in zip(weights, locked, strict=False) if lock is None)
    extra = draw(st.integers(0, 10**8)) if spreadable else 0
    total = sum(lock for lock in locked if lock is not None) + extra
    children = [
        Child(f"c{i}", manual_weight=w, locked_value=None if lock is None else from_units(lock, step))
        for i, (w, lock) in enumerate(zip(weights, locked, strict=False))
    ]
    children = draw(st.permutations(children))
    return SplitRequest(parent=from_units(total, step), children=children, method=Method.MANUAL, step=step)


@given(manual_splits())
def test_children_sum_exactly_in_whole_steps_and_keep_their_locks(split):
    result = decompose(split)
    assert sum(a.value for a in result) == split.parent
    for child, allocation in zip(split.children, result, strict=False):
        assert allocation.key == child.key
        assert allocation.value >= 0
        assert is_whole_steps(allocation.value, split.step)
        if child.locked_value is not None:
            assert allocation.value == child.locked_value
            assert allocation.explanation.locked


@given(manual_splits(locks=False))
def test_without_locks_each_child_is_within_one_step_of_its_exact_share(split):
    result = decompose(split)
    weight_sum = sum(Fraction(c.manual_weight) for c in split.children)
    for child, allocation in zip(split.children, result, strict=False):
        exact = Fraction(split.parent) * Fraction(child.manual_weight) / weight_sum
        assert abs(Fraction(allocation.value) - exact) < Fraction(split.step)


@given(manual_splits(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_children(split, rng):
    shuffled = list(split.children)
    rng.shuffle(shuffled)
    first = {a.key: a.value for a in decompose(split)}
    again = {a.key: a.value for a in decompose(SplitRequest(**{**split.__dict__, "children": shuffled}))}
    assert first == again


@st.composite
def bounded_splits(draw):
    base = draw(manual_splits())
    low = draw(st.one_of(st.none(), st.integers(-100, 50).map(lambda p: D(p) / 100)))
    high = draw(st.one_of(st.none(), st.integers(-50, 200).map(lambda p: D(p) / 100)))
    children = [
        Child(
            c.key,
            locked_value=c.locked_value,
            manual_weight=c.manual_weight,
            last_year=draw(st.one_of(st.none(), st.integers(0, 10**8).map(lambda n: from_units(n, base.step)))),
        )
        for c in base.children
    ]
    return SplitRequest(
        parent=base.parent,
        children=children,
        method=Method.MANUAL,
        step=base.step,
        growth_bounds=GrowthBounds(min_growth=low, max_growth=high),
    )


def limits(child, bounds, step):
    """Independent restatement of a child's allowed range in steps (None = unbounded)."""
    if child.locked_value is not None or not child.last_year:
        return 0, None
    unit, last_year = Fraction(step), Fraction(child.last_year)
    low = 0 if bounds.min_growth is None else max(0, ceil(last_year * (1 + Fraction(bounds.min_growth)) / unit))
    high = None if bounds.max_growth is None else floor(last_year * (1 + Fraction(bounds.max_growth)) / unit)
    return low, high


@settings(deadline=None)
@given(bounded_splits())
def test_growth_bounds_hold_or_the_parent_is_truly_unreachable(split):
    bounds, step = split.growth_bounds, split.step
    ranges = [limits(c, bounds, step) for c in split.children]
    try:
        result = decompose(split)
    except InvalidInput as error:
        pool = Fraction(split.parent - sum(c.locked_value or 0 for c in split.children)) / Fraction(step)
        free = [(c, r) for c, r in zip(split.children, ranges, strict=False) if c.locked_value is None]
        if error.field == "growth_bounds.min_growth":
            assert sum(low for _, (low, _) in free) > pool
        elif error.field == "growth_bounds.max_growth":
            if bounds.min_growth is not None and bounds.min_growth > bounds.max_growth:
                return
            caps = [high if c.manual_weight else low for c, (low, high) in free]
            assert None not in caps and sum(caps) < pool
        else:
            assert error.field is not None and error.field.endswith(".last_year")
            assert any(high is not None and low > high for low, high in ranges)
        return
    assert sum(a.value for a in result) == split.parent
    for child, allocation, (low, high) in zip(split.children, result, ranges, strict=False):
        units = Fraction(allocation.value) / Fraction(step)
        assert units.denominator == 1 and units >= low
        assert high is None or units <= high
        if child.locked_value is not None:
            assert allocation.value == child.locked_value
    # Before rounding, the unclamped children share one ratio value/weight (λ); a child held at its
    # ceiling would have wanted more at that λ and one held at its floor less: the clamp was needed.
    free = [
        (Fraction(c.manual_weight), a.explanation)
        for c, a in zip(split.children, result, strict=False)
        if c.locked_value is None
    ]
    ratios = [Fraction(e.raw_value) / w for w, e in free if e.clamp is None and w]
    if ratios:
        ratio = ratios[0]
        tolerance = ratio * Fraction(1, 10**20) + Fraction(1, 10**20)
        assert all(abs(r - ratio) <= tolerance for r in ratios)
        for weight, explanation in free:
            if explanation.clamp == "ceiling":
                assert ratio * weight >= Fraction(explanation.raw_value) - tolerance * weight
            elif explanation.clamp == "floor":
                assert ratio * weight <= Fraction(explanation.raw_value) + tolerance * weight


@st.composite
def potential_splits(draw):
    n = draw(st.integers(1, 6))
    names = ["population", "income_per_head", "outlet_count"]
    indicator_weights = {name: D(draw(st.integers(1, 5))) for name in names}
    children = []
    for i in range(n):
        indicators = {name: D(draw(st.integers(1, 10**6))) for name in names}
        history = {"2024": D(draw(st.integers(1, 10**6)))}
        children.append(Child(f"c{i}", indicators=indicators, history=history))
    blend: dict[str, D] = {
        Method.HISTORICAL_SHARE: D(draw(st.integers(0, 3))),
        Method.MARKET_POTENTIAL: D(1),
        Method.EQUAL: D(draw(st.integers(0, 3))),
    }
    method = draw(st.sampled_from([Method.MARKET_POTENTIAL, Method.BLEND, Method.HISTORICAL_SHARE]))
    step = draw(STEPS)
    return SplitRequest(
        parent=from_units(draw(st.integers(0, 10**9)), step),
        children=children,
        method=method,
        step=step,
        history_period="2024",
        indicator_weights=indicator_weights,
        blend_weights=blend,
    )


@given(potential_splits())
def test_market_potential_and_blends_sum_exactly(split):
    result = decompose(split)
    assert sum(a.value for a in result) == split.parent
    assert abs(sum((a.explanation.share for a in result), D(0)) - 1) < D("1e-20")
    assert all(a.value >= 0 and is_whole_steps(a.value, split.step) for a in result)


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=60).filter(any))
def test_split_units_parts_are_floor_or_ceiling_of_the_quota(total, weights):
    parts = split_units(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=False):
        quota = Fraction(total * weight, weight_sum)
        assert floor(quota) <= part <= ceil(quota)


@given(st.lists(st.integers(0, 500), min_size=12, max_size=12).filter(any), st.integers(0, 10**9))
def test_month_splitter_shortcut_matches_the_plain_largest_remainder(weights, units):
    assert month_splitter(weights)(units) == split_units(units, weights, tie_order(weights, MONTH_NUMBERS))


@given(STEPS, st.integers(0, 10**9), st.lists(WEIGHTS, min_size=12, max_size=12).filter(any))
def test_seasonal_months_quarters_and_year_agree(step, units, profile):
    result = split_by_seasonality(from_units(units, step), profile, step=step)
    months = [a.value for a in result.months]
    assert sum(months) == result.year == from_units(units, step)
    assert sum(result.quarters) == result.year
    assert all(m >= 0 and is_whole_steps(m, step) for m in months)


@given(
    STEPS,
    st.lists(st.integers(0, 10**7), min_size=1, max_size=5),
    st.lists(WEIGHTS, min_size=1, max_size=6).filter(any),
    st.lists(WEIGHTS, min_size=12, max_size=12).filter(any),
)
def test_cross_split_is_exact_at_every_level(step, leaf_units, shares, profile):
    leaves = {f"r{i}": from_units(u, step) for i, u in enumerate(leaf_units)}
    lines = {f"p{j}": s for j, s in enumerate(shares)}
    result = cross_split(leaves, lines, profile, step=step)
    for leaf, _units in zip(leaves, leaf_units, strict=False):
        line_values = [result.product_value(leaf, line) for line in lines]
        assert sum(line_values) == leaves[leaf]
        for line, line_value in zip(lines, line_values, strict=False):
            months = [result.value(leaf, line, m) for m in MONTH_NUMBERS]
            assert sum(months) == line_value
            assert all(m >= 0 for m in months)
