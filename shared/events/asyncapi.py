"""JSON schemas of every event and an AsyncAPI 3.0 document of every topic, generated from the contracts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.events.base import Envelope
from shared.events.catalog import REGISTRY
from shared.kafka import dlq_topic


def _id(name: str) -> str:
    return name.replace(".", "_").replace("-", "_")


PRODUCERS = {
    "targets": "targets",
    "inventory": "inventory",
    "visits": "visits",
    "audit": "audit",
    "erp": "an ERP system",
}


def event_schemas() -> dict[str, dict[str, Any]]:
    """One JSON schema per event type and version: the envelope with its typed `data`."""
    schemas = {}
    for (type_, version), cls in sorted(REGISTRY.events.items()):
        envelope = Envelope.model_json_schema()
        data = cls.model_json_schema()
        envelope["properties"]["data"] = {k: v for k, v in data.items() if k != "$defs"}
        envelope["properties"]["type"] = {"const": type_}
        envelope["properties"]["dataversion"] = {"const": version}
        if "$defs" in data:
            envelope["$defs"] = data["$defs"]
        envelope["title"] = f"{type_} v{version}"
        envelope["description"] = (cls.__doc__ or "").strip()
        schemas[f"{type_}.v{version}"] = envelope
    for topic, inbound in sorted(REGISTRY.inbound.items()):
        schema = inbound.model_json_schema()
        schema["description"] = (inbound.__doc__ or "").strip()
        schemas[topic] = schema
    return schemas


def asyncapi_document() -> dict[str, Any]:
    schemas = event_schemas()
    channels, operations, messages = {}, {}, {}
    by_topic: dict[str, list[str]] = {}
    for (type_, version), cls in REGISTRY.events.items():
        by_topic.setdefault(cls.topic, []).append(f"{type_}.v{version}")
    for topic in REGISTRY.inbound:
        by_topic.setdefault(topic, []).append(topic)
    for topic, names in sorted(by_topic.items()):
        channel_id = _id(topic)
        for name in names:
            messages[_id(name)] = {
                "name": name,
                "title": schemas[name].get("title", name),
                "summary": schemas[name].get("description", ""),
                "contentType": "application/json",
                "payload": {"$ref": f"./events/{name}.json"},
                "bindings": {"kafka": {"key": {"type": "string", "description": "aggregate id"}}},
            }
        channels[channel_id] = {
            "address": topic,
            "description": f"Produced by {PRODUCERS[topic.split('.')[0]]}; keyed by aggregate id. "
            f"Messages that fail after retries go to {dlq_topic(topic)}.",
            "messages": {_id(m): {"$ref": f"#/components/messages/{_id(m)}"} for m in names},
        }
        operations[f"publish_{channel_id}"] = {"action": "send", "channel": {"$ref": f"#/channels/{channel_id}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "salesops events",
            "version": "1.0.0",
            "description": "Events between the salesops services (CloudEvents envelope) and ERP messages.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:59092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def write_event_docs(docs_dir: Path) -> list[Path]:
    events_dir = docs_dir / "events"
    events_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in event_schemas().items():
        path = events_dir / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    path = docs_dir / "asyncapi.json"
    path.write_text(json.dumps(asyncapi_document(), indent=2, ensure_ascii=False) + "\n")
    return written + [path]
