"""Random (version 4) UUIDs for everything the services make, cut from a per-thread pool of random bytes.

`uuid.uuid4()` makes one getrandom call per id, and each call releases the GIL: in a consumer kafka-python's
network thread then takes it, so making a poll's ids costs thousands of thread switches. Here one `os.urandom`
fills 256 ids. The pool is per thread (no lock, no id handed out twice), and a forked child drops the pool it
inherited, so it never repeats the ids its parent is about to hand out.
"""

from __future__ import annotations

import os
import threading
import uuid

_IDS_PER_FILL = 256
_VERSION_MASK = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


_new, _set = object.__new__, object.__setattr__


class _Pool(threading.local):
    def __init__(self) -> None:
        self.random = b""
        self.position = 0


_pool = _Pool()


def _forget_pool() -> None:
    global _pool
    _pool = _Pool()


os.register_at_fork(after_in_child=_forget_pool)


def new_uuid() -> uuid.UUID:
    """A random version-4 UUID (122 random bits), as `uuid.uuid4()` makes."""
    pool = _pool
    if pool.position >= len(pool.random):
        pool.random, pool.position = os.urandom(16 * _IDS_PER_FILL), 0
    start = pool.position
    pool.position = start + 16
    bits = int.from_bytes(pool.random[start : start + 16], "big")
    # What UUID(int=…) does without its argument checks (a fifth of the cost): the value is in range by making.
    made = _new(uuid.UUID)
    _set(made, "int", (bits & _VERSION_MASK) | _VERSION_4)
    _set(made, "is_safe", uuid.SafeUUID.unknown)
    return made
