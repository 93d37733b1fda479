"""Request and response bodies of visit execution."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.types import Price, Quantity


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DevicePosition(_Body):
    """A fix from the phone, in the datum its map SDK uses (AMap/Tencent: gcj02, Baidu: bd09, GPS: wgs84)."""

    latitude: float = Field(ge=-90, le=90, strict=True, examples=[30.280206])
    longitude: float = Field(ge=-180, le=180, strict=True, examples=[120.137953])
    datum: Literal["wgs84", "gcj02", "bd09"] = Field(examples=["gcj02"])
    accuracy_m: float = Field(ge=0, le=10_000, strict=True, examples=[15])


class CheckIn(_Body):
    position: DevicePosition
    client_at: AwareDatetime = Field(description="The device's clock at check-in, with its offset")
    mock_location: bool = Field(False, description="The device reported a mock-location provider")


class StockItem(_Body):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Quantity | None = None
    out_of_stock: bool = False
    batch_codes: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=20)


class PhotoRef(_Body):
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    taken_at: AwareDatetime | None = None
    caption: str | None = Field(None, max_length=200)


class PriceSeen(_Body):
    sku: str = Field(min_length=1, max_length=64)
    brand: str = Field(min_length=1, max_length=64)
    ours: bool
    price: Price


class CompetitorActivity(_Body):
    brand: str = Field(min_length=1, max_length=64)
    kind: Literal["flavour", "packaging", "size", "price", "promotion", "other"]  # 口味 包装 规格 价格 促销
    note: str = Field(min_length=1, max_length=500)


class MaterialHandedOver(_Body):
    material: str = Field(min_length=1, max_length=100)
    quantity: Quantity
    recipient: str = Field(min_length=1, max_length=100)


class OrderLine(_Body):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Quantity
    unit_price: Price | None = None


class Feedback(_Body):
    kind: Literal["feedback", "complaint"]
    text: str = Field(min_length=1, max_length=1000)


class StockCheck(_Body):
    step: Literal["stock_check"]
    items: list[StockItem] = Field(min_length=1, max_length=200)


class Display(_Body):
    step: Literal["display"]
    photos: list[PhotoRef] = Field(min_length=1, max_length=20)
    facings: int | None = Field(None, ge=0, le=10_000)


class Prices(_Body):
    step: Literal["prices"]
    items: list[PriceSeen] = Field(min_length=1, max_length=200)


class Competitors(_Body):
    step: Literal["competitor_activity"]
    items: list[CompetitorActivity] = Field(min_length=1, max_length=50)


class PromotionMaterials(_Body):
    step: Literal["promotion_materials"]
    items: list[MaterialHandedOver] = Field(min_length=1, max_length=50)


class OrderTaken(_Body):
    step: Literal["order"]
    lines: list[OrderLine] = Field(min_length=1, max_length=200)


class FeedbackStep(_Body):
    step: Literal["feedback"]
    items: list[Feedback] = Field(min_length=1, max_length=20)


Step = Annotated[
    StockCheck | Display | Prices | Competitors | PromotionMaterials | OrderTaken | FeedbackStep,
    Field(discriminator="step"),
]


class CheckOut(_Body):
    client_at: AwareDatetime = Field(description="The device's clock at check-out")


class VisitStart(_Body):
    """Check in at an outlet; the client makes the visit's id so a retried check-in is recognised."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "7b0a3c52-4a55-4d8e-8f66-0d6c8a1e2f01",
                    "outlet_id": "1f2e3d4c-5b6a-4789-8abc-def012345678",
                    "check_in": {
                        "position": {
                            "latitude": 30.280206,
                            "longitude": 120.137953,
                            "datum": "gcj02",
                            "accuracy_m": 15,
                        },
                        "client_at": "2026-03-16T09:02:00+08:00",
                    },
                }
            ]
        },
    )

    id: uuid.UUID
    outlet_id: uuid.UUID
    schedule_entry_id: uuid.UUID | None = None
    check_in: CheckIn


class VisitSubmission(VisitStart):
    """A whole visit in one call (after the fact, or from a phone that was offline)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "7b0a3c52-4a55-4d8e-8f66-0d6c8a1e2f01",
                    "outlet_id": "1f2e3d4c-5b6a-4789-8abc-def012345678",
                    "check_in": {
                        "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 12},
                        "client_at": "2026-03-16T09:02:00+08:00",
                    },
                    "steps": [
                        {
                            "step": "stock_check",
                            "items": [{"sku": "SKU-1", "quantity": "24", "batch_codes": ["B2603"]}],
                        },
                        {"step": "order", "lines": [{"sku": "SKU-1", "quantity": "12"}]},
                    ],
                    "check_out": {"client_at": "2026-03-16T09:25:00+08:00"},
                    "sent_at": "2026-03-16T09:25:03+08:00",
                }
            ]
        },
    )

    steps: list[Step] = Field(default_factory=list, max_length=50)
    check_out: CheckOut
    sent_at: AwareDatetime = Field(description="The device's clock when it sent this request")


class StepOut(BaseModel):
    seq: int
    step: str
    data: dict


class VisitOut(BaseModel):
    id: uuid.UUID
    rep_id: uuid.UUID
    outlet_id: uuid.UUID
    schedule_entry_id: uuid.UUID | None
    status: Literal["in_progress", "completed"]
    check_in_client_at: datetime
    check_in_server_at: datetime
    latitude: float
    longitude: float
    datum: str
    accuracy_m: float
    mock_location: bool
    distance_m: float | None
    outside_geofence: bool
    check_out_client_at: datetime | None
    check_out_server_at: datetime | None
    duration_minutes: float | None
    flags: list[str] | None
    missing_steps: list[str] | None
    order_taken: bool
    authenticity_score: float | None
    authenticity_signals: list[dict] | None
    steps: list[StepOut] = []
