"""CPU priority of throughput work: a worker lowers its own (`salesops worker`: WORKER_NICE and, on Linux,
WORKER_SCHED_IDLE), and the PostgreSQL backends serving it follow, so the database work a worker causes yields to
the APIs' as the worker itself does (README "CPU priority"). A backend is a process of its own, at the database's
priority, whatever its client's.

SCHED_IDLE yields only to tasks of the same scheduling group. With autogroups (a group per session: the default of
most kernels) or cgroups, a worker's group gets its fair share against the APIs' groups, and a woken API or backend
waits while a worker of another group runs. So a worker and its backends also join an idle cpu cgroup when the
host lets us (root, cgroup v1 or v2 with `cpu.idle`): the whole group then yields to everything else. The local
broker joins it too (shared/runtime/broker.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

_LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}
_HAS_IDLE = hasattr(os, "SCHED_IDLE")  # Linux only
CGROUP_NAME = "salesops-background"
CGROUP_PARENTS = (Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup"))  # v1's cpu hierarchy, v2's unified one


def lower_own_priority(nice: int, sched_idle: bool) -> None:
    """Add `nice` to this process's niceness and, if asked and the OS has it, take the SCHED_IDLE policy: a process
    that wants the core takes it at once. Threads started afterwards inherit both."""
    os.nice(nice)
    if sched_idle and _HAS_IDLE:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        join_idle_cgroup(os.getpid())


def idle_cgroup() -> Path | None:
    """The idle cpu cgroup of throughput work, made on first use; None where the host has none we may use."""
    for parent in CGROUP_PARENTS:
        group = parent / CGROUP_NAME
        if not (parent / "cgroup.procs").exists():  # not a cgroup hierarchy (v1 keeps a tmpfs at /sys/fs/cgroup)
            continue
        try:
            group.mkdir(exist_ok=True)
            if not (group / "cpu.idle").exists():  # no cpu controller here, or a kernel before 5.15
                group.rmdir()
                continue
            (group / "cpu.idle").write_text("1")
            return group
        except OSError:  # read-only or not root
            continue
    return None


def join_idle_cgroup(pid: int) -> bool:
    """Move process `pid` (all its threads) into the idle cgroup; False where there is none or we may not."""
    group = idle_cgroup()
    if group is None:
        return False
    try:
        (group / "cgroup.procs").write_text(str(pid))
        return True
    except OSError:
        return False


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
                    join_idle_cgroup(pid)
        except (FileNotFoundError, PermissionError):  # no /proc, or a server we may not renice: leave it be
            return
