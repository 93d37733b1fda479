"""Servers for a benchmark: a fresh PostgreSQL and broker (like the tests), migrated, in a temporary folder."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.runtime.stack import Infrastructure, migrated_infrastructure
from shared.runtime.supervise import stop_processes


@contextmanager
def benchmark_servers() -> Iterator[Infrastructure]:
    with (
        tempfile.TemporaryDirectory(prefix="salesops-bench-") as folder,
        migrated_infrastructure(Path(folder), "salesops_bench") as infra,
    ):
        yield infra


@contextmanager
def worker_process(service: str) -> Iterator[subprocess.Popen[bytes]]:
    """`salesops worker SERVICE` as its own process on the benchmark's servers (their URLs are in the environment),
    stopped with SIGTERM like `up` stops it."""
    child = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "worker", service], env={**os.environ, "LOG_LEVEL": "WARNING"}
    )
    try:
        yield child
    finally:
        stop_processes([child], timeout=15)


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) a local process has used (Linux /proc); None for one on another machine. On a
    shared machine a rate alone measures the wait for a core as much as the code: this tells the two apart."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_args(description: str, **sizes: str) -> argparse.Namespace:
    """`--quick` for a smoke check, and one flag per further size a benchmark offers (`national="help text"`)."""
    parser = argparse.ArgumentParser(description=description)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a small run, for a smoke check")
    for name, help_text in sizes.items():
        size.add_argument(f"--{name.replace('_', '-')}", action="store_true", help=help_text)
    return parser.parse_args()


def percentile(samples: list[float], q: float) -> float:
    """q-th percentile (0-100) by the inclusive method."""
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1] if len(samples) > 1 else samples[0]


def figures(**values) -> str:
    """The benchmark's last line: name=value pairs."""
    return " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())
