"""Customer-360 lookups by party id, caller ID (mobile) and ID number, scoped by
ownership and shown by role (reference_data/seeds/role_permission.csv); every read of
personal data in full is audited. A role may search by a mobile or ID number only if
it may see that field in full. The mobile and ID-number lookups belong in a POST body
(POST /search), which no access log or proxy records; the older path routes stay,
masked in the service's access log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParam
from pydantic import Field, model_validator

from ecif.audit import record_personal_data_access
from ecif.lookup import customer_view, find_parties, present
from ecif.masking import VISIBLE, access, sees_personal_data
from ecif.service.accounts import User
from ecif.service.config import ServiceConfig
from ecif.service.dependencies import Config, CurrentUser, Reader
from ecif.service.request_body import RequestBody
from ecif.service.scoping import visible
from ecif.warehouse import Connection

router = APIRouter(prefix="/v1/customers", tags=["customer 360"])

PARTY_ID = r"^[PO]\d{10}$"
MOBILE = r"^[+\d][\d \-]{6,19}$"
ID_NO = r"^[0-9A-Za-z\-]{5,30}$"
PartyId = Annotated[str, PathParam(pattern=PARTY_ID)]
Mobile = Annotated[str, PathParam(pattern=MOBILE)]
IdNo = Annotated[str, PathParam(pattern=ID_NO)]
# the key searched by → (what the answers call it, find_parties' argument)
KEYS = {"party_id": ("party id", "party_id"), "mobile": ("mobile", "phone"),
        "id_no": ("ID number", "id_no")}


class CustomerSearch(RequestBody):
    """One key: a caller's mobile or an ID number."""
    mobile: Annotated[str | None, Field(pattern=MOBILE)] = None
    id_no: Annotated[str | None, Field(pattern=ID_NO)] = None

    @model_validator(mode="after")
    def one_key(self) -> CustomerSearch:
        if (self.mobile is None) == (self.id_no is None):
            raise ValueError("give exactly one of mobile, id_no")
        return self


def lookup_views(conn: Connection, user: User, cfg: ServiceConfig, key: str,
                 value: str) -> list[dict[str, Any]]:
    """The customer views of one key as the user may see them, audited (the API's
    lookups and the agent's caller page)."""
    what, argument = KEYS[key]
    if key != "party_id" and access(user.role, key) != VISIBLE:
        # searching by a full number tells whether it is a customer's: only for roles
        # that may see the number itself
        raise HTTPException(403, f"role {user.role} may not search by {what}")
    # find_parties lists a party once per matching mention: one view each
    parties = visible(conn, user, list(dict.fromkeys(find_parties(conn, **{argument: value}))))
    if not parties:
        # the same answer whether the customer does not exist or is someone else's
        raise HTTPException(404, f"no customer found for that {what}")
    views = [present(customer_view(conn, party), user.role) for party in parties]
    if sees_personal_data(user.role):
        with cfg.warehouse.connect() as owner:
            record_personal_data_access(owner, user.role, f"service {what} lookup",
                                        f"{user.name}: {','.join(parties)}", len(parties))
    return views


@router.post("/search")
def search(body: CustomerSearch, user: CurrentUser, conn: Reader,
           cfg: Config) -> list[dict[str, Any]]:
    """Every customer a mobile (caller ID) or an ID number belongs to."""
    key = "mobile" if body.mobile is not None else "id_no"
    return lookup_views(conn, user, cfg, key, getattr(body, key))


@router.get("/{party_id}")
def by_party_id(party_id: PartyId, user: CurrentUser, conn: Reader, cfg: Config) -> dict[str, Any]:
    return lookup_views(conn, user, cfg, "party_id", party_id)[0]


@router.get("/by-mobile/{mobile}")
def by_mobile(mobile: Mobile, user: CurrentUser, conn: Reader, cfg: Config) -> list[dict[str, Any]]:
    """Caller ID: every customer the number belongs to (prefer POST /search)."""
    return lookup_views(conn, user, cfg, "mobile", mobile)


@router.get("/by-id-no/{id_no}")
def by_id_no(id_no: IdNo, user: CurrentUser, conn: Reader, cfg: Config) -> list[dict[str, Any]]:
    """Prefer POST /search."""
    return lookup_views(conn, user, cfg, "id_no", id_no)
