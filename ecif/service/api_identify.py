"""POST /v1/identify: 客户识别 for other systems at entry."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ecif.identifiers import check_party, standard_codes
from ecif.service.accounts import User
from ecif.service.dependencies import require
from ecif.service.identify import identify
from ecif.service.request_body import RequestBody
from ecif.service.scoping import visible

router = APIRouter(prefix="/v1", tags=["identification"])
IDENTIFIERS = ("system", "admin", "steward", "agent")


class IdentifyRequest(RequestBody):
    """Checked by the staging rules (ecif.identifiers.check_party): a value they refuse
    is a 422 naming the field and the reason. A field this model does not know is a
    422 too: a caller's misspelt identifier must not be dropped silently."""
    party_type: str = Field(description="P person, O organization")
    name: str
    id_type: str | None = Field(None, description=f"one of {', '.join(standard_codes('id_type'))}")
    id_no: str | None = None
    mobile: str | None = None
    gender: str | None = Field(None, description="M, F or U")
    birth_date: str | None = Field(None, description="YYYY-MM-DD")
    email: str | None = Field(None, max_length=254, description="identifies together with "
                              "the name")
    user_name: str | None = Field(None, max_length=64, description="portal user name: once "
                                  "given with a party, identifies it alone")


class Suspect(BaseModel):
    party_id: str | None = Field(description="null when the caller may not read the party")
    score: float
    reason: str


class IdentifyResponse(BaseModel):
    outcome: Literal["MATCHED", "SUSPECTS", "NEW", "NOT_FOUND"]
    party_id: str | None = Field(description="the existing or newly assigned party; null when "
                                 "the caller may not read the existing party")
    score: float | None = Field(description="match probability (1.0 for the strong rule)")
    reason: str
    suspects: list[Suspect] = []


@router.post("/identify", response_model=IdentifyResponse)
def identify_party(body: IdentifyRequest, request: Request,
                   user: Annotated[User, Depends(require(*IDENTIFIERS))]) -> IdentifyResponse:
    """The existing party with score and reason, a suspect list for review, or a new
    party id that the next nightly run keeps (NOT_FOUND when the record is too thin to
    create one). Only ids are returned, and only the ids of parties the caller may read
    (an agent gets no id of another agent's customer: the customer endpoints would
    answer 404 for it)."""
    party = check_party(**body.model_dump())
    state = request.app.state
    with state.connections.connect() as conn:
        found = identify(conn, party,
                         state.live_mentions.current(conn), state.party_numbers)
        existing = [found.party_id] if found.outcome != "NEW" and found.party_id else []
        hidden = {*existing, *(s.party_id for s in found.suspects)}
        hidden -= set(visible(conn, user, sorted(hidden)))

    state.metrics.identify.labels(found.outcome).inc()

    def readable(party_id: str | None) -> str | None:
        return None if party_id in hidden else party_id
    return IdentifyResponse(
        outcome=found.outcome, party_id=readable(found.party_id), score=found.score,
        reason=found.reason,
        suspects=[Suspect(party_id=readable(s.party_id), score=s.score, reason=s.reason)
                  for s in found.suspects])
