"""Consumer lag per group on a live broker: the end offsets minus what each group committed, summed over partitions."""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer

from shared.settings import SERVICES


def lag_by_group(admin: KafkaAdminClient, consumer: KafkaConsumer) -> dict[str, int]:
    """Each service's consumer group (named after the service)."""
    committed = admin.list_group_offsets({group: None for group in SERVICES})
    out: dict[str, int] = {}
    for group, offsets in committed.items():
        ends = consumer.end_offsets(list(offsets)) if offsets else {}
        # Clamped at 0 per partition: tansu's memory engine may report an end below a committed offset.
        out[group] = sum(max(0, ends.get(tp, 0) - meta.offset) for tp, meta in offsets.items())
    return out


class LagMonitor:
    """Reads the lag every few seconds on the same two clients (new ones each time cost more than the reading);
    after a failure (the broker restarting) it connects again on the next read."""

    def __init__(self, bootstrap: str):
        self.bootstrap = bootstrap
        self.clients: tuple[KafkaAdminClient, KafkaConsumer] | None = None

    def __enter__(self) -> LagMonitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def read(self) -> dict[str, Any]:
        try:
            if self.clients is None:
                self.clients = (
                    KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000),
                    KafkaConsumer(
                        bootstrap_servers=self.bootstrap, request_timeout_ms=5000, allow_auto_create_topics=False
                    ),
                )
            return dict(lag_by_group(*self.clients))
        except Exception as exc:  # noqa: BLE001 - during the broker restart
            self._close()
            return {f"unavailable ({type(exc).__name__})": -1}

    def _close(self) -> None:
        if self.clients is not None:
            for client in self.clients:
                client.close()
            self.clients = None
