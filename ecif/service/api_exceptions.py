"""The exception centre over HTTP (ecif.exceptions_centre, the same functions as
`ecif exceptions ...`): stewards, approvers and admins read it, stewards and admins
acknowledge and resolve; other roles get 403. An unknown id answers 404, a change its
status does not allow 409."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import Field

from ecif import exceptions_centre as centre
from ecif.service.accounts import User
from ecif.service.dependencies import Config, require
from ecif.service.request_body import RequestBody

router = APIRouter(prefix="/v1/exceptions", tags=["operations"])
Reader = Annotated[User, Depends(require(*centre.READERS))]
Handler = Annotated[User, Depends(require(*centre.HANDLERS))]


class Act(RequestBody):
    note: Annotated[str | None, Field(max_length=1000)] = None
    assignee: Annotated[str | None, Field(max_length=100,
                                          description="ack: who is on it (default: you)")] = None


@router.get("")
def listing(user: Reader, cfg: Config,
            status: Annotated[Literal[centre.STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
            severity: Annotated[Literal[centre.SEVERITIES] | None, Query()] = None,  # type: ignore[valid-type]
            kind: Annotated[Literal[centre.KINDS] | None, Query()] = None,  # type: ignore[valid-type]
            ) -> list[dict[str, Any]]:
    """Open and acknowledged exceptions, newest first (`status=RESOLVED` for those)."""
    with cfg.warehouse.connect() as conn:
        return [e.as_dict() for e in centre.listing(conn, status, severity, kind)]


@router.get("/{exception_id}")
def show(exception_id: int, user: Reader, cfg: Config) -> dict[str, Any]:
    """One exception with its history, oldest change first."""
    with cfg.warehouse.connect() as conn:
        try:
            found = centre.get(conn, exception_id)
        except centre.NoSuchException as missing:
            raise HTTPException(404, str(missing)) from None
        return {**found.as_dict(), "history": [vars(c) for c in centre.history(conn,
                                                                               exception_id)]}


@router.post("/{exception_id}/{act}")
def change(exception_id: int, act: Literal["ack", "resolve"], body: Act, user: Handler,
           cfg: Config) -> dict[str, Any]:
    """ack: someone is on it (assigned to `assignee`, default you); resolve: dealt with."""
    with cfg.warehouse.connect() as conn:
        try:
            return centre.ACTS[act](conn, exception_id, user.name, body.note,
                                    body.assignee).as_dict()
        except centre.NoSuchException as missing:
            raise HTTPException(404, str(missing)) from None
        except centre.ExceptionCentreError as refused:
            raise HTTPException(409, str(refused)) from None
