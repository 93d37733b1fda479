"""CPU priority of throughput work: a worker lowers its own (`salesops worker`, WORKER_NICE), and the PostgreSQL
backends serving it follow, so the database work a worker causes yields to the APIs' as the worker itself does
(README "CPU priority"). A backend is a process of its own, at the database's priority, whatever its client's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

_LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}


def backends_at_own_priority(engine: Engine) -> None:
    """Renice the backend of each new connection of `engine` to this process's niceness, when the database runs on
    this host and the OS lets us (the pg_prioritize extension's technique, without the extension). With the
    database on another host, or at the default priority, nothing is done."""
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    host = engine.url.host
    if niceness <= 0 or not (host in _LOCAL_HOSTS or str(host).startswith("/")):
        return

    @event.listens_for(engine, "connect")
    def renice(dbapi_connection: Any, _record: Any) -> None:
        pid = dbapi_connection.info.backend_pid
        try:
            if b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes():  # a pid of this host's PostgreSQL, surely
                os.setpriority(os.PRIO_PROCESS, pid, niceness)
        except (FileNotFoundError, PermissionError):  # no /proc, or a server we may not renice: leave it be
            return
