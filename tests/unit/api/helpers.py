"""Request bodies shared by the API tests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

START = "2024-11-23T19:00:00+07:00"  # Saturday 19.00 WIB, three days after the test clock


def catalogue(client: FlaskClient, headers: dict[str, str]) -> None:
    """Three active products, one inactive, a voucher bound to p1 and a shop-wide discount."""
    response = client.put("/v1/catalogue", headers=headers, json={
        "products": [{"id": "p1", "name": "Serum"}, {"id": "p2", "name": "Toner"},
                     {"id": "p3", "name": "Mask"}, {"id": "old", "active": False}],
        "promotion_tools": [{"id": "v1", "kind": "voucher", "product_ids": ["p1"]},
                            {"id": "d1", "kind": "discount"}],
    })
    assert response.status_code == 200, response.get_json()


def plan_body(**changes: Any) -> dict[str, Any]:
    """A valid plan: 90 minutes, two products (p2, p3), no tools."""
    body = {"title": "Weekend glow sale", "description": "Skincare bundle night",
            "start": START, "time_zone": "Asia/Jakarta", "duration_minutes": 90,
            "product_ids": ["p2", "p3"]}
    body.update(changes)
    return body


def timeline(minutes: int, gmv_at: dict[int, int] | None = None) -> list[dict[str, Any]]:
    """Per-minute rows with steady traffic and GMV peaks where asked."""
    peaks = gmv_at or {}
    return [{"t": 60 * m, "views": 100, "viewers": 80, "room_impressions": 400,
             "room_enters": 60, "product_impressions": 200, "product_clicks": 20,
             "gmv": peaks.get(m, 10_000), "orders": 5 if m in peaks else 1, "customers": 1,
             "comments": 3, "likes": 10, "shares": 1, "new_followers": 1}
            for m in range(minutes)]


def session_body(**changes: Any) -> dict[str, Any]:
    """A past session of 10 minutes that ended the evening before the test clock."""
    body = {"title": "Tuesday LIVE", "category": "Beauty", "started_at":
            "2024-11-19T19:00:00+07:00", "ended_at": "2024-11-19T20:30:00+07:00",
            "timeline": timeline(10, {4: 500_000})}
    body.update(changes)
    return body


class Platform:
    """The platform integration (an ops key): imports sessions and teaser figures for
    the shop whose seller ``headers`` are given, as the real export would."""

    def __init__(self, client: FlaskClient) -> None:
        from api.auth import create_key

        self.client = client
        with client.application.extensions["db"].session() as s:
            key = create_key(s, "platform-export", ops=True)
        self.auth = {"Authorization": f"Bearer {key}"}

    def post(self, path: str, *, json: dict[str, Any], headers: dict[str, str]) -> Any:
        """POST ``json`` for the shop behind ``headers`` (its other headers are kept)."""
        body = dict(json)
        if path == "/v1/sessions":
            me = self.client.get("/v1/me", headers=headers).get_json()
            body.setdefault("seller_id", me["seller_id"])
        extra = {k: v for k, v in headers.items() if k != "Authorization"}
        return self.client.post(path, json=body, headers={**extra, **self.auth})

    def put(self, path: str, *, json: dict[str, Any], headers: dict[str, str]) -> Any:
        """PUT ``json`` (the platform's final figures of a session of that shop)."""
        extra = {k: v for k, v in headers.items() if k != "Authorization"}
        return self.client.put(path, json=json, headers={**extra, **self.auth})


def platform(client: FlaskClient) -> Platform:
    """The platform's writer for this app."""
    return Platform(client)
