"""Child processes of `salesops up`, restarted with backoff when they die, and stopped together within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STOP_SECONDS = 8.0  # SIGTERM, then SIGKILL for whatever is still running: `up` is gone within 10 s of Ctrl-C
MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0  # a child that ran this long starts its backoff afresh


@dataclass
class Child:
    name: str
    args: tuple[str, ...]
    log_dir: Path | None
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    backoff: float = 1.0
    restart_at: float | None = None
    restarts: int = 0


class Processes:
    """Child processes of `python -m shared.cli`; a dead one is restarted by `supervise`, all stop within seconds."""

    def __init__(self, say: Callable[..., None] = print) -> None:
        self.children: dict[str, Child] = {}
        self.say = say

    def spawn(self, name: str, *args: str, log_dir: Path | None = None) -> subprocess.Popen[bytes]:
        out = open(log_dir / f"{name}.log", "ab") if log_dir else None  # noqa: SIM115 (the child owns it)
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", *args],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )
        if out:
            out.close()  # the child has its own copy of the descriptor
        previous = self.children.get(name)
        child = Child(name, args, log_dir, process)
        if previous is not None:
            child.backoff, child.restarts = previous.backoff, previous.restarts
        self.children[name] = child
        return process

    def supervise(self) -> None:
        """One round: note children that died and restart those whose backoff has passed."""
        now = time.monotonic()
        for child in list(self.children.values()):
            code = child.process.poll()
            if code is None:
                if now - child.started > HEALTHY_AFTER:
                    child.backoff = 1.0
                continue
            if child.restart_at is None:
                child.restart_at = now + child.backoff
                where = f"; see {child.log_dir / (child.name + '.log')}" if child.log_dir else ""
                self.say(f"{child.name} exited with {code}; restarting in {child.backoff:.0f} s{where}", flush=True)
                child.backoff = min(child.backoff * 2, MAX_BACKOFF)
            elif now >= child.restart_at:
                child.restarts += 1
                self.spawn(child.name, *child.args, log_dir=child.log_dir)
                self.say(f"{child.name} restarted (restart {child.restarts})", flush=True)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        stop_processes([c.process for c in self.children.values()], timeout)
        self.children.clear()


def stop_processes(processes: Iterable[subprocess.Popen[bytes]], timeout: float = STOP_SECONDS) -> None:
    """SIGTERM to every process at once, so they stop side by side; SIGKILL to those still running after `timeout`
    seconds."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
