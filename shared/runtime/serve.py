"""Serve one or several FastAPI apps from one process, each on its own port; SIGTERM/SIGINT stop them all."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import uvicorn


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self):
        yield  # signals are handled once for all servers below


def serve_apis(apps: dict, *, host: str, ports: dict[str, int]) -> None:
    servers = [
        _Server(uvicorn.Config(app, host=host, port=ports[name], log_config=None, access_log=False))
        for name, app in apps.items()
    ]

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: [setattr(s, "should_exit", True) for s in servers])
        await asyncio.gather(*(s.serve() for s in servers))

    asyncio.run(main())
