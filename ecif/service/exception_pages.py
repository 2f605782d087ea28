"""The steward's page of the exception centre (ecif.exceptions_centre): the open and
acknowledged exceptions (or those of one status), one exception with its history, and
the acknowledge and resolve forms for the roles that may (stewards and admins). Same
session, CSRF and language as the other steward pages (ecif.service.pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ecif import exceptions_centre as centre
from ecif.service.dependencies import config
from ecif.service.pages import SameSiteForm, Steward, error_page, page
from ecif.translation import N_

router = APIRouter(prefix="/steward/exceptions", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def listing(request: Request, user: Steward, status: str | None = None) -> HTMLResponse:
    if status is not None and status not in centre.STATUSES:
        return error_page(request, 404, N_("no such status"))
    with config(request).warehouse.connect() as conn:
        found = centre.listing(conn, status)
    return page(request, "exceptions.html", user, exceptions=found, status=status,
                statuses=centre.STATUSES, error=None)


@router.get("/{exception_id}", response_class=HTMLResponse)
def show(request: Request, exception_id: int, user: Steward,
         error: str | None = None) -> HTMLResponse:
    with config(request).warehouse.connect() as conn:
        try:
            found = centre.get(conn, exception_id)
        except centre.NoSuchException:
            return error_page(request, 404, N_("no such exception"))
        changes = centre.history(conn, exception_id)
    return page(request, "exception.html", user, exception=found, changes=changes,
                handles=user.role in centre.HANDLERS, error=error)


@router.post("/{exception_id}/{act}", dependencies=SameSiteForm)
def change(request: Request, exception_id: int, act: str, user: Steward,
           note: Annotated[str | None, Form()] = None) -> Response:
    if act not in centre.ACTS:
        return error_page(request, 404, N_("no such decision"))
    if user.role not in centre.HANDLERS:
        return error_page(request, 403, N_("only stewards and admins handle exceptions"))
    with config(request).warehouse.connect() as conn:
        try:
            centre.ACTS[act](conn, exception_id, user.name, note or None)
        except centre.NoSuchException:
            return error_page(request, 404, N_("no such exception"))
        except centre.ExceptionCentreError as refused:
            return error_page(request, 409, str(refused))
    return RedirectResponse(f"/steward/exceptions/{exception_id}", status_code=303)
