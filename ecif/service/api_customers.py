"""Customer-360 lookups by party id, caller ID (mobile) and ID number, scoped by
ownership and masked by role; every unmasked read is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParam

from ecif.audit import record_personal_data_access
from ecif.lookup import customer_view, find_parties
from ecif.service.accounts import User
from ecif.service.config import ServiceConfig
from ecif.service.customer_view import present, unmasked_for
from ecif.service.dependencies import Config, CurrentUser, Reader
from ecif.service.scoping import visible
from ecif.warehouse import Connection

router = APIRouter(prefix="/v1/customers", tags=["customer 360"])

PartyId = Annotated[str, PathParam(pattern=r"^[PO]\d{10}$")]
Mobile = Annotated[str, PathParam(pattern=r"^[+\d][\d \-]{6,19}$")]
IdNo = Annotated[str, PathParam(pattern=r"^[0-9A-Za-z\-]{5,30}$")]


def _views(conn: Connection, user: User, cfg: ServiceConfig, what: str,
           **key: str) -> list[dict[str, Any]]:
    # find_parties lists a party once per matching mention: one view each
    parties = visible(conn, user, list(dict.fromkeys(find_parties(conn, **key))))
    if not parties:
        # the same answer whether the customer does not exist or is someone else's
        raise HTTPException(404, f"no customer found for that {what}")
    views = [present(customer_view(conn, party), user.role) for party in parties]
    if unmasked_for(user.role):
        with cfg.warehouse.connect() as owner:
            record_personal_data_access(owner, user.role, f"service {what} lookup",
                                        f"{user.name}: {','.join(parties)}", len(parties))
    return views


@router.get("/{party_id}")
def by_party_id(party_id: PartyId, user: CurrentUser, conn: Reader, cfg: Config) -> dict[str, Any]:
    return _views(conn, user, cfg, "party id", party_id=party_id)[0]


@router.get("/by-mobile/{mobile}")
def by_mobile(mobile: Mobile, user: CurrentUser, conn: Reader, cfg: Config) -> list[dict[str, Any]]:
    """Caller ID: every customer the number belongs to."""
    return _views(conn, user, cfg, "mobile", phone=mobile)


@router.get("/by-id-no/{id_no}")
def by_id_no(id_no: IdNo, user: CurrentUser, conn: Reader, cfg: Config) -> list[dict[str, Any]]:
    return _views(conn, user, cfg, "ID number", id_no=id_no)
