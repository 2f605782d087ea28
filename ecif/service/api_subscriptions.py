"""Webhook subscriptions (admin or `system` role): the dispatcher (`ecif dispatch`)
POSTs each change event to the target URL, signed with the secret given here. The
events carry personal data as the creating user's role may see it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from ecif.events import subscriptions
from ecif.events.outbox import TYPES
from ecif.service.accounts import User
from ecif.service.dependencies import Config, require
from ecif.service.request_body import RequestBody

router = APIRouter(prefix="/v1/subscriptions", tags=["change feed"])
Manager = Annotated[User, Depends(require("admin", "system"))]


class NewSubscription(RequestBody):
    url: Annotated[str, Field(max_length=2000, pattern=r"^https?://")]
    event_types: list[Annotated[str, Field(json_schema_extra={"enum": list(TYPES)})]] = Field(
        default_factory=list, description="empty: every type")
    secret: Annotated[str, Field(min_length=subscriptions.MIN_SECRET, max_length=200)]
    after: int | None = Field(None, ge=0, description="deliver the events after this seq "
                                                      "(default: only those to come)")


@router.post("", status_code=201)
def create(body: NewSubscription, user: Manager, cfg: Config) -> dict[str, Any]:
    with cfg.warehouse.connect() as conn:
        sub = subscriptions.create(conn, body.url, body.event_types, body.secret, user.role,
                                   user.name, body.after)
    return sub.public()


@router.get("")
def list_all(user: Manager, cfg: Config) -> list[dict[str, Any]]:
    with cfg.warehouse.connect() as conn:
        return [s.public() for s in subscriptions.all_subscriptions(conn)]


@router.delete("/{subscription_id}", status_code=204)
def delete(subscription_id: str, user: Manager, cfg: Config) -> None:
    with cfg.warehouse.connect() as conn:
        subscriptions.delete(conn, subscription_id)
