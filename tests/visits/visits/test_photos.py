"""Photos: stored once by content hash, checked as images, and reused photos betray a faked visit."""

from __future__ import annotations

import io
import uuid

from PIL import Image, ImageDraw

from tests.visits.visits.test_visit_execution import submission


def shelf_photo(shade: int = 0, fmt: str = "PNG") -> bytes:
    """A synthetic shelf: bands of colour with a few boxes; `shade` nudges every pixel (a re-shot copy)."""
    image = Image.new("RGB", (256, 256), (200 + shade, 190 + shade, 170 + shade))
    draw = ImageDraw.Draw(image)
    for i, y in enumerate(range(20, 240, 55)):
        draw.rectangle((10, y, 246, y + 8), fill=(60 + shade, 40, 20))
        for x in range(20 + i * 13, 240, 47):
            draw.rectangle((x, y - 35, x + 30, y), fill=(180, 30 + shade, 40 + 40 * i))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def upload(client, headers, data: bytes, content_type="image/png"):
    return client.post("/photos", content=data, headers={**headers, "Content-Type": content_type})


def display_visit(outlet, content_hash):
    steps = [{"step": "display", "photos": [{"content_hash": content_hash, "caption": "main shelf"}]}]
    return submission(outlet, steps=steps)


def test_a_photo_is_stored_once_by_its_hash(clients, rep):
    data = shelf_photo(shade=7)
    first = upload(clients["visits"], rep["headers"], data)
    second = upload(clients["visits"], rep["headers"], data)
    assert first.status_code == second.status_code == 201, first.text
    assert first.json() == second.json() and len(first.json()["content_hash"]) == 64
    assert len(first.json()["phash"]) == 16
    assert upload(clients["visits"], rep["headers"], b"not an image").status_code == 422


def test_the_same_photo_on_two_visits_costs_the_second_15_points(clients, rep, outlet):
    client = clients["visits"]
    photo = upload(client, rep["headers"], shelf_photo(shade=11)).json()["content_hash"]
    first = client.post("/visits", json=display_visit(outlet, photo), headers=rep["headers"]).json()
    second = client.post("/visits", json=display_visit(outlet, photo), headers=rep["headers"]).json()
    penalty = {
        v["id"]: next(s for s in v["authenticity_signals"] if s["name"] == "photo_reuse") for v in (first, second)
    }
    assert penalty[first["id"]]["penalty"] == 0
    assert penalty[second["id"]]["penalty"] == 15.0 and "1 photos reused" in penalty[second["id"]]["detail"]


def test_a_near_duplicate_photo_costs_12_points(clients, rep, outlet):
    client = clients["visits"]
    original = upload(client, rep["headers"], shelf_photo(shade=23)).json()
    copy = upload(client, rep["headers"], shelf_photo(shade=25, fmt="JPEG"), "image/jpeg").json()
    assert original["content_hash"] != copy["content_hash"]
    client.post("/visits", json=display_visit(outlet, original["content_hash"]), headers=rep["headers"])
    second = client.post("/visits", json=display_visit(outlet, copy["content_hash"]), headers=rep["headers"]).json()
    signal = next(s for s in second["authenticity_signals"] if s["name"] == "photo_reuse")
    assert signal["penalty"] == 12.0  # 15 x 0.8 for a near duplicate


def test_a_visit_naming_a_photo_never_uploaded_is_refused_and_writes_nothing(clients, rep, outlet):
    body = display_visit(outlet, "ab" * 32)
    answer = clients["visits"].post("/visits", json=body, headers=rep["headers"])
    assert answer.status_code == 422 and "steps" in answer.text
    assert clients["visits"].get(f"/visits/{body['id']}", headers=rep["headers"]).status_code == 404
    assert uuid.UUID(body["id"])
