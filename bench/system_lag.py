"""Consumer lag per group on a live broker: the end offsets minus what each group committed, summed over partitions."""

from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer

from shared.settings import SERVICES


def lag_by_group(bootstrap: str) -> dict[str, int]:
    """Each service's consumer group (named after the service)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        committed = admin.list_group_offsets({group: None for group in SERVICES})
        out: dict[str, int] = {}
        for group, offsets in committed.items():
            ends = consumer.end_offsets(list(offsets)) if offsets else {}
            # Clamped at 0 per partition: tansu's memory engine may report an end below a committed offset.
            out[group] = sum(max(0, ends.get(tp, 0) - meta.offset) for tp, meta in offsets.items())
        return out
    finally:
        consumer.close()
        admin.close()
