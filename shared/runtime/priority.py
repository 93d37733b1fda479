"""CPU priority of throughput work: a worker lowers its own (`salesops worker`: WORKER_NICE and, on Linux,
WORKER_SCHED_IDLE), and the PostgreSQL backends serving it follow, so the database work a worker causes yields to
the APIs' as the worker itself does (README "CPU priority"). A backend is a process of its own, at the database's
priority, whatever its client's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

_LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}
_HAS_IDLE = hasattr(os, "SCHED_IDLE")  # Linux only


def lower_own_priority(nice: int, sched_idle: bool) -> None:
    """Add `nice` to this process's niceness and, if asked and the OS has it, take the SCHED_IDLE policy: a process
    that wants the core takes it at once. Threads started afterwards inherit both."""
    os.nice(nice)
    if sched_idle and _HAS_IDLE:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _idle(pid: int) -> bool:
    return _HAS_IDLE and os.sched_getscheduler(pid) == os.SCHED_IDLE


def backends_at_own_priority(engine: Engine) -> None:
    """Give the backend of each new connection of `engine` this process's niceness and policy, when the database
    runs on this host and the OS lets us (the pg_prioritize extension's technique, without the extension). With
    the database on another host, or at the default priority, nothing is done."""
    niceness, idle = os.getpriority(os.PRIO_PROCESS, 0), _idle(0)
    host = engine.url.host
    if (niceness <= 0 and not idle) or not (host in _LOCAL_HOSTS or str(host).startswith("/")):
        return

    @event.listens_for(engine, "connect")
    def renice(dbapi_connection: Any, _record: Any) -> None:
        pid = dbapi_connection.info.backend_pid
        try:
            if b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes():  # a pid of this host's PostgreSQL, surely
                os.setpriority(os.PRIO_PROCESS, pid, niceness)
                if idle:
                    os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
        except (FileNotFoundError, PermissionError):  # no /proc, or a server we may not renice: leave it be
            return
