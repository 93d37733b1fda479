"""Event contracts: the envelope round-trips, unknown types are refused, and the committed docs are current."""

import json
import uuid
from pathlib import Path

import pytest

from shared.events.asyncapi import asyncapi_document, event_schemas
from shared.events.base import Envelope, UnknownEvent
from shared.events.catalog import REGISTRY
from shared.events.targets import OrgUnitCreated

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_envelope_round_trips_to_the_typed_payload():
    event = OrgUnitCreated(org_unit_id=uuid.uuid4(), parent_id=None, kind="company", code="ACME", name="Acme", path="x")
    envelope = Envelope.wrap(event, source="/salesops/targets", correlation_id="c-1")
    decoded = Envelope.model_validate_json(envelope.model_dump_json())
    assert decoded.payload() == event
    assert (decoded.type, decoded.dataversion, decoded.subject, decoded.correlationid) == (
        "targets.org_unit.created",
        1,
        str(event.org_unit_id),
        "c-1",
    )


def test_unknown_event_version_is_refused():
    envelope = Envelope(
        id="e-1",
        source="x",
        type="targets.org_unit.created",
        subject="s",
        time="2026-03-14T08:00:00Z",
        dataschema="x",
        dataversion=99,
        data={},
    )
    with pytest.raises(UnknownEvent):
        envelope.payload()


def test_every_topic_is_documented_in_asyncapi():
    document = asyncapi_document()
    assert {c["address"] for c in document["channels"].values()} == set(REGISTRY.topics())


def test_committed_event_docs_are_current():
    """`salesops docs` regenerates them; this fails when a contract changed and the docs did not."""
    for name, schema in event_schemas().items():
        assert json.loads((DOCS / "events" / f"{name}.json").read_text()) == schema, name
    assert json.loads((DOCS / "asyncapi.json").read_text()) == asyncapi_document()
