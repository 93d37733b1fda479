"""The coaching-visit checklist (协访) and its score."""

from __future__ import annotations

from collections.abc import Mapping

# What a manager watches on a rep's visit, each scored 0-5.
CHECKLIST: tuple[str, ...] = (
    "preparation",  # knew the outlet's history and today's goal before going in
    "relationship",  # greeted and talked with the owner, not just the shelf
    "stock_check",  # counted stock, found out-of-stocks and old batches
    "display",  # improved the shelf (000: 每次拜访都去帮他整理货架)
    "selling",  # asked for the order, with a reason
    "follow_up",  # handled feedback and complaints, agreed next steps
)
MAX_SCORE = 5


def coaching_score(scores: Mapping[str, int]) -> float:
    """Percent of the maximum over the whole checklist, one decimal; every criterion must be scored."""
    missing = [c for c in CHECKLIST if c not in scores]
    unknown = [c for c in scores if c not in CHECKLIST]
    if missing or unknown:
        raise ValueError(f"checklist mismatch: missing {missing}, unknown {unknown}")
    if any(not 0 <= s <= MAX_SCORE for s in scores.values()):
        raise ValueError(f"scores run from 0 to {MAX_SCORE}")
    return round(100 * sum(scores.values()) / (MAX_SCORE * len(CHECKLIST)), 1)
