"""Spot checks (抽查): a sample drawn at random, stratified by risk, the same for the same seed."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from shared.errors import InvalidInput

RISK_WEIGHTS = {"high": 3, "medium": 2, "low": 1}


def allocate(sizes: Mapping[str, int], n: int, weights: Mapping[str, int] = RISK_WEIGHTS) -> dict[str, int]:
    """Sample sizes per stratum: proportional to weight x size by largest remainder, never above a stratum's size."""
    n = min(n, sum(sizes.values()))
    taken = {s: 0 for s in sizes}
    while sum(taken.values()) < n:
        open_ = {s: weights.get(s, 1) * sizes[s] for s in sizes if taken[s] < sizes[s]}
        left = n - sum(taken.values())
        total = sum(open_.values())
        exact = {s: left * w / total for s, w in open_.items()}
        share = {s: min(int(exact[s]), sizes[s] - taken[s]) for s in open_}
        rest = left - sum(share.values())
        for s in sorted(open_, key=lambda s: (-(exact[s] - int(exact[s])), s)):
            if rest <= 0:
                break
            if share[s] < sizes[s] - taken[s]:
                share[s] += 1
                rest -= 1
        for s, k in share.items():
            taken[s] += k
    return taken


def stratified_sample(strata: Mapping[str, Sequence[str]], n: int, seed: int) -> list[tuple[str, str]]:
    """(stratum, id) pairs; ids are sorted first so the draw depends only on the population and the seed."""
    if n < 0:
        raise InvalidInput("sample size must not be negative", field="size")
    sizes = {s: len(set(ids)) for s, ids in strata.items()}
    rng = random.Random(seed)
    picked = []
    for stratum, k in sorted(allocate(sizes, n).items()):
        picked += [(stratum, i) for i in rng.sample(sorted(set(strata[stratum])), k)]
    return picked
