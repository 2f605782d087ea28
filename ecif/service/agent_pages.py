"""The agent's caller page (/agent/caller?phone=…): one screen a claims, telesales or
agent seat opens when a call comes in: who is calling, the claims service tier, value
and risk, policies and recent contacts, shown as the role may see them and scoped to
the seat's own customers, exactly as the API's caller lookup answers (it is that
lookup). Session, CSRF and templates are the steward pages' (ecif/service/pages.py)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ecif.service.accounts import User
from ecif.service.api_customers import MOBILE, lookup_views
from ecif.service.dependencies import config, customer_reader
from ecif.service.pages import add_session_routes, page, session_user
from ecif.translation import N_

router = APIRouter(prefix="/agent", include_in_schema=False)
SEATS = ("claims", "telesales", "agent")
AREA = "agent"
# what each tier means to the person on the phone (message ids of the catalog)
TIER_MEANING = {"PRIORITY": N_("high-value customer: priority handling"),
                "SIMPLIFIED": N_("high value, low risk: eligible for the simplified claims flow"),
                "STANDARD": N_("standard handling")}
# what the page says when the lookup refuses (the API's own words name the role)
REFUSALS = {403: N_("this seat may not look up callers by their number"),
            404: N_("no customer found for that number")}


def seat(request: Request) -> User:
    return session_user(request, SEATS, AREA)


Seat = Annotated[User, Depends(seat)]
add_session_routes(router, SEATS, AREA, "/agent/caller",
                   N_("wrong user name or password, the account disabled or locked for a "
                      "while, or not a claims, telesales or agent seat"))


@router.get("/caller", response_class=HTMLResponse)
def caller(request: Request, user: Seat,
           phone: Annotated[str | None, Query(max_length=30)] = None) -> HTMLResponse:
    views, error = [], None
    if phone:
        if not re.fullmatch(MOBILE, phone):
            error = N_("not a phone number")
        else:
            # the connection the API reads through: on PostgreSQL row-level security too
            with contextmanager(customer_reader)(request, user) as conn:
                try:
                    views = lookup_views(conn, user, config(request), "mobile", phone)
                except HTTPException as refusal:
                    error = REFUSALS.get(refusal.status_code, str(refusal.detail))
    return page(request, "caller.html", user, area=AREA, phone=phone or "", views=views,
                error=error, meaning=TIER_MEANING,
                status_code=200 if views or not phone else 404)
