"""Serve one or several FastAPI apps from one process, each on its own port; SIGTERM/SIGINT stop them all."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable, Generator, Mapping

import uvicorn
from fastapi import FastAPI


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # signals are handled once for all servers below


def serve_apis(apps: Mapping[str, FastAPI], *, host: str, ports: dict[str, int]) -> None:
    servers = [
        _Server(uvicorn.Config(app, host=host, port=ports[name], log_config=None, access_log=False))
        for name, app in apps.items()
    ]

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def stop_all() -> None:
            for s in servers:
                s.should_exit = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop_all)
        # The apps, their routes and settings live as long as the process: move them out of the cyclic collector's
        # reach, so its passes under load scan only what requests allocate.
        gc.freeze()
        await asyncio.gather(*(s.serve() for s in servers))

    # uvloop (with uvicorn's httptools parser, chosen by "auto") when installed: a faster event loop for the same code.
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # uvicorn[standard] installs it on Linux and macOS; elsewhere, asyncio's own loop
        return None
    return uvloop.new_event_loop
