"""Stewardship over HTTP: requests, decisions, task pool, history and the suspect
queue, each a thin call of ecif.stewardship.service (the same functions as
`ecif steward ...`). Its refusals (StewardshipError) answer 409, a value the staging
rules refuse (ecif.identifiers.InvalidValue) 422; making requests is rate-limited per
user (ecif.service.request_limits)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from ecif.service import suspects
from ecif.service.accounts import User
from ecif.service.dependencies import Config, require
from ecif.service.request_body import RequestBody
from ecif.service.request_limits import Maker
from ecif.stewardship import service
from ecif.stewardship.history import Entry, HistoryQuery
from ecif.stewardship.users import APPROVERS, REQUESTERS, StewardshipError

router = APIRouter(prefix="/v1", tags=["stewardship"])
PartyId = Annotated[str, Field(pattern=r"^[PO]\d{10}$")]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class Requested(BaseModel):
    request_id: int
    status: str = "PENDING"


class Parties(RequestBody):
    parties: Annotated[list[PartyId], Field(min_length=2)]
    reason: Reason


class Split(RequestBody):
    party_id: PartyId
    mention_ids: Annotated[list[str], Field(min_length=1)]
    reason: Reason


class OnDecision(RequestBody):
    request_id: int
    reason: Reason


class PartyChange(RequestBody):
    party_id: PartyId
    reason: Reason
    attribute: str | None = Field(None, description="MODIFY only")
    value: str | None = Field(None, description="MODIFY only")


class Relationship(RequestBody):
    """关系与组合: `end` and `correct` name a relationship customer_relationship shows;
    `correct` gives the right `new_related_party_id` and/or `new_type`."""
    action: Literal["add", "end", "correct"]
    party_id: PartyId
    related_party_id: PartyId
    relationship_type: Annotated[str, Field(max_length=40)]
    new_related_party_id: PartyId | None = None
    new_type: Annotated[str | None, Field(max_length=40)] = None
    reason: Reason


class Parent(RequestBody):
    """企业层级: `parent_party_id` null removes the company's parent company."""
    party_id: PartyId
    parent_party_id: PartyId | None
    reason: Reason


class Create(RequestBody):
    """Checked by the staging rules (ecif.identifiers.check_party) and the admission
    rule (准入) when the request is made."""
    party_type: str = "P"
    name: str
    id_type: str | None = None
    id_no: str | None = None
    mobile: str | None = None
    gender: str | None = None
    birth_date: str | None = Field(None, description="YYYY-MM-DD")
    reason: Reason


class EnhanceRow(RequestBody):
    party_id: PartyId
    attribute: str
    value: str
    confirmed_on: str | None = Field(None, description="YYYYMMDD")


class Enhance(RequestBody):
    # a name for messages and the audit trail, never a path (no leading dot)
    file_name: Annotated[str, Field(pattern=r"^[\w\-][\w.\-]{0,99}$")]
    rows: Annotated[list[EnhanceRow], Field(min_length=1)]
    reason: Reason


class Decision(RequestBody):
    note: str | None = None


Requester = Annotated[User, Depends(require(*REQUESTERS))]
Approver = Annotated[User, Depends(require(*APPROVERS))]


@router.post("/requests/merge", status_code=201, response_model=Requested)
def merge(body: Parties, user: Maker, cfg: Config) -> Requested:
    """人工强制归并."""
    return Requested(request_id=service.request_merge(cfg.warehouse, body.parties, user.name,
                                                      body.reason))


@router.post("/requests/split", status_code=201, response_model=Requested)
def split(body: Split, user: Maker, cfg: Config) -> Requested:
    """人工强制拆分."""
    return Requested(request_id=service.request_split(cfg.warehouse, body.party_id,
                                                      body.mention_ids, user.name, body.reason))


@router.post("/requests/reject-suspect", status_code=201, response_model=Requested)
def reject_suspect(body: Parties, user: Maker, cfg: Config) -> Requested:
    return Requested(request_id=service.request_reject_suspect(
        cfg.warehouse, body.parties, user.name, body.reason))


@router.post("/requests/{kind}", status_code=201, response_model=Requested)
def on_decision(kind: Literal["revoke", "rollback"], body: OnDecision, user: Maker,
                cfg: Config) -> Requested:
    return Requested(request_id=service.request_on_decision(
        cfg.warehouse, kind.upper(), body.request_id, user.name, body.reason))


@router.post("/parties/{kind}", status_code=201, response_model=Requested)
def party_change(kind: Literal["modify", "deactivate", "reactivate", "erase"], body: PartyChange,
                 user: Maker, cfg: Config) -> Requested:
    values = {}
    if kind == "modify":
        if body.attribute is None or body.value is None:
            raise HTTPException(422, "field attribute and field value are required to modify")
        values = {"attribute": body.attribute, "value": body.value}
    return Requested(request_id=service.request_party_change(
        cfg.warehouse, kind.upper(), body.party_id, user.name, body.reason, **values))


@router.post("/relationships", status_code=201, response_model=Requested)
def relationship(body: Relationship, user: Maker, cfg: Config) -> Requested:
    return Requested(request_id=service.request_relationship(
        cfg.warehouse, body.action, body.party_id, body.related_party_id,
        body.relationship_type, user.name, body.reason, body.new_related_party_id,
        body.new_type))


@router.post("/parents", status_code=201, response_model=Requested)
def parent(body: Parent, user: Maker, cfg: Config) -> Requested:
    return Requested(request_id=service.request_parent(
        cfg.warehouse, body.party_id, body.parent_party_id, user.name, body.reason))


@router.post("/parties", status_code=201, response_model=Requested)
def create(body: Create, user: Maker, cfg: Config) -> Requested:
    fields = body.model_dump(exclude={"reason"})
    return Requested(request_id=service.request_create(cfg.warehouse, fields, user.name,
                                                       body.reason))


@router.post("/enhancements", status_code=201, response_model=Requested)
def enhance(body: Enhance, user: Maker, cfg: Config) -> Requested:
    """批量增强: the rows as the CSV file of `ecif steward enhance` would hold them."""
    return Requested(request_id=service.request_enhance_rows(
        cfg.warehouse, body.file_name, [row.model_dump() for row in body.rows], user.name,
        body.reason))


@router.post("/requests/{request_id}/approve")
def approve(request_id: int, body: Decision, user: Approver, cfg: Config) -> dict[str, Any]:
    """审批: the decision is recorded and the rebuild it needs queued for the runner
    (`ecif rebuild`); the answer comes at once: APPROVED, or APPLIED when no customer
    data changes (rebuilds_from null)."""
    step = service.approve(cfg.warehouse, request_id, user.name, body.note)
    return {"request_id": request_id, "status": "APPROVED" if step else "APPLIED",
            "rebuilds_from": step}


@router.get("/requests/{request_id}")
def request_status(request_id: int, user: Requester, cfg: Config) -> dict[str, Any]:
    """A request's state: PENDING, REJECTED, APPROVED (its rebuild queued), APPLIED (the
    runner has published it), REVOKED, ROLLED_BACK."""
    try:
        found = service.status(cfg.warehouse, request_id, user.name)
    except StewardshipError as unknown:
        raise HTTPException(404, str(unknown)) from None
    return {"request_id": found.request_id, "kind": found.kind, "status": found.status,
            "requested_by": found.requested_by, "requested_at": found.requested_at,
            "decided_by": found.decided_by}


@router.post("/requests/{request_id}/reject")
def reject(request_id: int, body: Decision, user: Approver, cfg: Config) -> dict[str, Any]:
    service.reject(cfg.warehouse, request_id, user.name, body.note)
    return {"request_id": request_id, "status": "REJECTED"}


@router.get("/tasks")
def tasks(user: Requester, cfg: Config,
          everyone: Annotated[bool, Query(alias="all")] = False) -> list[dict[str, Any]]:
    """Requests awaiting the user's decision, and the user's own pending ones, oldest
    first; `all=true`: every user's (approvers and admins)."""
    return [{"request_id": t.request_id, "kind": t.kind, "requested_by": t.requested_by,
             "requested_at": t.requested_at, "reason": t.reason,
             "age_seconds": int(t.age.total_seconds())}
            for t in service.tasks(cfg.warehouse, user.name, everyone)]


def _entries(entries: list[Entry]) -> list[dict[str, Any]]:
    return [{"at": e.at, "who": e.who, "what": e.what, "detail": e.detail} for e in entries]


@router.get("/parties/{party_id}/history")
def history(party_id: Annotated[str, PathParam(pattern=r"^[PO]\d{10}$")], user: Requester,
            cfg: Config) -> list[dict[str, Any]]:
    """归并历史 of a party."""
    return _entries(service.history(cfg.warehouse, party_id, user.name))


@router.get("/history")
def history_search(user: Requester, cfg: Config,
                   party_id: Annotated[str | None, Query(pattern=r"^[PO]\d{10}$")] = None,
                   steward: Annotated[str | None, Query(max_length=64)] = None,
                   since: date | None = None, until: date | None = None,
                   kind: Annotated[str | None, Query(max_length=20)] = None
                   ) -> list[dict[str, Any]]:
    """归并历史 and the audit trail searched by party, steward, date range (UTC days,
    inclusive) and request kind; at least one of them."""
    return _entries(service.history(cfg.warehouse, HistoryQuery(
        party_id=party_id, steward=steward, since=since, until=until,
        kind=kind and kind.upper()), user.name))


@router.get("/suspect-groups")
def suspect_groups(user: Requester, cfg: Config) -> list[dict[str, Any]]:
    with cfg.warehouse.connect() as conn:
        return [{"group_id": g.group_id, "party_ids": g.party_ids, "score": g.score}
                for g in suspects.queue(conn)]
