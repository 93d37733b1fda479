"""Typed event payloads registered by type and version, and the CloudEvents-style envelope around them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from shared.ids import new_uuid

SCHEMA_URN = "urn:salesops:event"


class Event(BaseModel):
    """A payload another service may care about. `key` keeps one aggregate's events in one partition."""

    # Consumers ignore unknown fields so producers can add optional ones without a new major version.
    model_config = ConfigDict(frozen=True, extra="ignore")

    type: ClassVar[str]
    version: ClassVar[int]
    topic: ClassVar[str]

    def key(self) -> str:
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            REGISTRY.register(cls)


class InboundMessage(BaseModel):
    """A plain JSON message pushed by an outside system (an ERP); it has no envelope, so it names its own id."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]

    def message_id(self) -> str:
        raise NotImplementedError

    def key(self) -> str:
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "topic" in cls.__dict__:
            REGISTRY.register_inbound(cls)


class Envelope(BaseModel):
    """CloudEvents 1.0 attribute names, plus the payload version and a correlation id."""

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str  # an envelope without one could not be recognised when redelivered: never made up on reading
    source: str
    type: str
    subject: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    dataversion: int
    correlationid: str | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: Event, *, source: str, correlation_id: str | None) -> Envelope:
        """The one way events get an envelope, a new id and the time they were made."""
        # Built without validation: the event was validated when it was made and every attribute is set here
        # (re-validating the dumped payload was the largest single cost of writing an event).
        return cls.model_construct(
            specversion="1.0",
            id=str(new_uuid()),
            source=source,
            time=datetime.now(UTC),
            datacontenttype="application/json",
            type=event.type,
            subject=event.key(),
            dataschema=f"{SCHEMA_URN}:{event.type}:v{event.version}",
            dataversion=event.version,
            correlationid=correlation_id,
            data=event.model_dump(mode="json"),
        )

    def payload(self) -> Event:
        """The typed payload; raises UnknownEvent or a pydantic ValidationError."""
        return REGISTRY.event_class(self.type, self.dataversion).model_validate(self.data)


class UnknownEvent(LookupError):
    pass


class Registry:
    def __init__(self) -> None:
        self.events: dict[tuple[str, int], type[Event]] = {}
        self.inbound: dict[str, type[InboundMessage]] = {}

    def register(self, cls: type[Event]) -> None:
        self.events[(cls.type, cls.version)] = cls

    def register_inbound(self, cls: type[InboundMessage]) -> None:
        self.inbound[cls.topic] = cls

    def event_class(self, type_: str, version: int) -> type[Event]:
        try:
            return self.events[(type_, version)]
        except KeyError:
            raise UnknownEvent(f"unknown event type {type_!r} version {version}") from None

    def topics(self) -> list[str]:
        return sorted({c.topic for c in self.events.values()} | set(self.inbound))


REGISTRY = Registry()
