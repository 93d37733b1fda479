"""The local runtime: a clear message when the broker's port is taken, children restarted when they die, and the
whole set of processes gone within 10 s of a Ctrl-C (SIGINT to the process group)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from shared.db import make_engine
from shared.runtime.broker import BrokerStartError, LocalBroker, free_port
from shared.runtime.priority import CGROUP_NAME, idle_cgroup
from shared.runtime.stack import ROOT
from shared.runtime.supervise import Processes
from tests.support import wait_until


def test_a_taken_broker_port_is_named_with_its_holder_and_the_setting_to_change():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(BrokerStartError) as refused:
            LocalBroker(port).start()
    message = str(refused.value)
    assert f"port {port}" in message and f"pid {os.getpid()}" in message
    assert "LOCAL_BROKER_PORT" in message and "KAFKA_BOOTSTRAP_SERVERS" in message


def test_the_local_broker_runs_in_the_idle_cgroup_where_the_host_has_one():
    broker = LocalBroker(free_port()).start()
    try:
        assert broker.process is not None
        threads = os.listdir(f"/proc/{broker.process.pid}/task")
        grouped = idle_cgroup() is not None
        assert len(threads) > 1  # tokio's threads, started before and after the move, are all in it
        assert {in_idle_cgroup(int(t)) for t in threads} == {grouped}
    finally:
        broker.stop()


def test_a_child_killed_with_sigkill_is_restarted(infra, tmp_path):
    said = []
    processes = Processes(say=lambda text, **_: said.append(text))
    first = processes.spawn("visits-worker", "worker", "visits", log_dir=tmp_path)
    try:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)

        def restarted():
            processes.supervise()
            child = processes.children["visits-worker"].process
            return child.pid != first.pid and child.poll() is None

        wait_until(restarted, timeout=15, message="the killed worker restarted")
        assert any("visits-worker exited with -9; restarting in 1 s" in line for line in said)
    finally:
        started = time.monotonic()
        processes.stop()
        assert time.monotonic() - started < 10


def test_sigint_to_the_process_group_stops_workers_and_apis_within_10_s(infra, tmp_path):
    port = free_port()
    log = open(tmp_path / "workers.log", "wb")  # noqa: SIM115
    workers = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "worker", "all"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        process_group=0,
    )
    api = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "api", "inventory", "--port", str(port)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        process_group=workers.pid,
    )
    try:
        wait_until(
            lambda: (tmp_path / "workers.log").read_text().count("worker running") == 4,
            timeout=60,
            message="four workers running",
        )
        wait_until(lambda: _ready(port), timeout=60, message="the API ready")
        started = time.monotonic()
        os.killpg(workers.pid, signal.SIGINT)
        for process in (workers, api):
            process.wait(max(0.1, 10 - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
    finally:
        for process in (workers, api):
            if process.poll() is None:
                process.kill()
        log.close()
    assert elapsed < 10, f"stopping took {elapsed:.1f} s"
    assert workers.returncode == 0 and api.returncode == 0


def test_a_worker_and_its_backends_run_at_worker_nice_and_sched_idle_below_the_apis(infra, tmp_path):
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "worker", "visits"],
        cwd=ROOT,
        env={**os.environ, "WORKER_NICE": "7"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: "worker running" in (tmp_path / "worker.log").read_text(), timeout=60, message="running")
        expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 7)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == expected
        assert os.sched_getscheduler(worker.pid) == os.SCHED_IDLE  # WORKER_SCHED_IDLE's default, on Linux
        assert os.sched_getscheduler(os.getpid()) == os.SCHED_OTHER  # what the APIs (and this test) run under
        # Where the host has an idle cpu cgroup for us (root here), the worker is in it and this process is not
        grouped = idle_cgroup() is not None
        assert (in_idle_cgroup(worker.pid), in_idle_cgroup(os.getpid())) == (grouped, False)
        # ... and so do the PostgreSQL backends serving it (the database runs on this host here). "worker running"
        # comes before its threads' first queries, and a backend shows in pg_stat_activity a moment before the
        # worker's connect hook lowers it: wait for them to be there and lowered
        engine = make_engine(infra.settings.database_url, pool_size=1)

        def backends() -> set[tuple[int, int, bool]]:
            with engine.connect() as conn:
                pids = conn.scalars(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": f"salesops visits worker {worker.pid}"},
                ).all()
            return {
                (os.getpriority(os.PRIO_PROCESS, pid), os.sched_getscheduler(pid), in_idle_cgroup(pid)) for pid in pids
            }

        try:
            lowered = {(expected, os.SCHED_IDLE, grouped)}
            wait_until(lambda: backends() == lowered, timeout=30, message="backends lowered")
        finally:
            engine.dispose()
    finally:
        worker.terminate()
        worker.wait(15)
        log.close()


def in_idle_cgroup(pid: int) -> bool:
    """Whether process or thread `pid` is in the idle cgroup (/proc/<tid>/cgroup reads a thread's)."""
    return any(line.endswith(f"/{CGROUP_NAME}") for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines())


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
