"""Ids cut from a pool of random bytes are version-4 UUIDs, never repeated, not even by a forked child."""

from __future__ import annotations

import os
import threading
import uuid

from shared.ids import new_uuid


def test_ids_are_version_4_uuids_that_round_trip_and_never_repeat():
    ids = [new_uuid() for _ in range(5_000)]  # many pool refills
    assert len(set(ids)) == len(ids)
    for made in ids[:600]:
        parsed = uuid.UUID(str(made))
        assert parsed == made and hash(parsed) == hash(made)
        assert made.version == 4 and made.variant == uuid.RFC_4122
    # 122 random bits: every one of them takes both values somewhere in the sample.
    fixed = (0xF000 << 64) | (0xC000 << 48)
    ones = zero_seen = 0
    for made in ids:
        ones |= made.int
        zero_seen |= ~made.int
    random_bits = ((1 << 128) - 1) & ~fixed
    assert ones & random_bits == random_bits and zero_seen & random_bits == random_bits


def test_threads_draw_from_pools_of_their_own():
    drawn: list[list[uuid.UUID]] = [[], []]

    def draw(into: list[uuid.UUID]) -> None:
        into.extend(new_uuid() for _ in range(1_000))

    threads = [threading.Thread(target=draw, args=(into,)) for into in drawn]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(drawn[0]) & set(drawn[1])


def test_a_forked_child_never_hands_out_its_parents_next_ids():
    new_uuid()  # the parent's pool is filled and has 255 ids left when it forks
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: send its next ids, then leave without running the parent's cleanup
        try:
            os.write(write, b"".join(new_uuid().bytes for _ in range(300)))
        finally:
            os._exit(0)
    os.close(write)
    received = b""
    while chunk := os.read(read, 65536):
        received += chunk
    os.close(read)
    os.waitpid(child, 0)
    from_child = {uuid.UUID(bytes=received[i : i + 16]) for i in range(0, len(received), 16)}
    from_parent = {new_uuid() for _ in range(300)}
    assert len(from_child) == 300
    assert not from_child & from_parent
