"""The chain starts from a genesis of 64 zeros (as long as a SHA-256 hex digest), which other archives recompute."""

import hashlib

from services.audit.domain.chain import Link, canonical, first_broken, link_hash
from tests.audit.test_domain_chain_sampling_risk import event

EVENT = event(1)


def test_the_first_link_hashes_sixty_four_zeros_and_the_event():
    genesis = "0" * 64
    expected = hashlib.sha256(genesis.encode() + b"\n" + canonical(EVENT)).hexdigest()
    assert link_hash(genesis, EVENT) == expected
    assert first_broken([Link(1, genesis, expected, EVENT)]) is None
    other_start = "0" * 65
    broken = first_broken([Link(1, other_start, link_hash(other_start, EVENT), EVENT)])
    assert broken is not None and "previous hash" in broken.reason
