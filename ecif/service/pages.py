"""The steward's web pages (the agent's caller page, ecif/service/agent_pages.py,
shares their session, CSRF and templates), server-rendered: log in, the suspect queue, one group's
records side by side with the differences marked, merge or reject it, and the
requests awaiting approval. The session is the same signed token as the API's, in
an HttpOnly, SameSite=Strict cookie, Secure over TLS; the API itself never takes
that cookie. Every form carries a CSRF token that must equal the one in its own
cookie (double submit), and a post must come from this site's own pages (its
Origin, or failing that its Referer). The pages are in Chinese unless the reader asks
for English (?lang=en, kept in a cookie), their dates as 2026年11月20日 or ISO as the
reader chooses (?dates=zh|iso, kept in a cookie; by default the language's), with names
instead of codes (ecif/translation.py). Their errors are pages in the same language too
(error_page); the API's stay JSON."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecif.audit import record_personal_data_access
from ecif.cjk_fonts import FONT_STACK
from ecif.masking import ABSENT, access, sees_personal_data, shown
from ecif.service import suspects, tokens
from ecif.service.accounts import User
from ecif.service.api_auth import end_session, log_in
from ecif.service.dependencies import COOKIE, NotLoggedIn, config, token_user
from ecif.stewardship import service
from ecif.stewardship.users import APPROVERS, REQUESTERS, StewardshipError
from ecif.translation import (
    DATE_FORMATS,
    DEFAULT_LANGUAGE,
    N_,
    column_label,
    date_format,
    gettext,
    language,
    shown_value,
)

router = APIRouter(prefix="/steward", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["font_stack"] = FONT_STACK
Reason = Annotated[str, Form(min_length=1)]
CSRF_COOKIE = "ecif_csrf"
LANG_COOKIE = "ecif_lang"
DATES_COOKIE = "ecif_dates"
# the pages' URL prefixes (the customer portal's too); everything else is the API
AREAS = ("steward", "agent", "portal")
# The heading of the error page of each status the pages answer with (message ids).
ERROR_TITLES = {400: N_("The request is not understood"), 403: N_("Not allowed"),
                404: N_("Not found"), 405: N_("Not possible here"),
                409: N_("Refused"), 422: N_("A field is missing or wrong"),
                500: N_("Something went wrong on our side: try again later"),
                503: N_("The nightly run is updating the customer master")}
# what a form posted while the nightly run owns a DuckDB warehouse is told (its 503)
NIGHTLY_RUNNING = N_("Nothing was saved: the nightly run is in progress. Go back and send "
                     "the form again in a few minutes, after the run.")


def reading(lang: str, dates: str) -> dict[str, object]:
    """What the templates translate with: messages, values as names (label), column
    headers, and the date format the switch offers instead of the reader's."""
    return {"lang": lang, "_": gettext(lang),
            "label": lambda code_type, value: shown_value(code_type, value, lang, dates),
            "other_dates": next(d for d in DATE_FORMATS if d != dates),
            "header": lambda column: column_label(column, lang)}


# a page rendered without page() (none today) still finds them, in the default language
templates.env.globals.update(reading(DEFAULT_LANGUAGE, date_format(None, DEFAULT_LANGUAGE)))


class LoginRequired(Exception):
    """No session, or a role that has no business on these pages (of `area`: steward,
    or the agent's caller page)."""

    def __init__(self, area: str = "steward") -> None:
        super().__init__(area)
        self.area = area


async def to_login(request: Request, exc: Exception) -> Response:
    area = exc.area if isinstance(exc, LoginRequired) else "steward"
    return RedirectResponse(f"/{area}/login", status_code=303)


def session_user(request: Request, roles: tuple[str, ...], area: str) -> User:
    """The user of the session cookie, if its role may use the pages of `area`."""
    try:
        user, _ = token_user(request, request.cookies.get(COOKIE))
    except NotLoggedIn:
        raise LoginRequired(area) from None
    if user.role not in roles:
        raise LoginRequired(area)
    return user


def steward(request: Request) -> User:
    return session_user(request, REQUESTERS, "steward")


Steward = Annotated[User, Depends(steward)]


async def same_site_form(request: Request) -> None:
    """A form post from this site's own page: its CSRF field equals its cookie, and
    the browser says it comes from here (Origin, or Referer when Origin is absent)."""
    own = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    referer = request.headers.get("referer", "")
    if origin != own and not (origin is None and referer.startswith(own + "/")):
        raise HTTPException(403, N_("form posted from another site"))
    sent = (await request.form()).get("csrf_token")
    cookie = request.cookies.get(CSRF_COOKIE)
    if not (isinstance(sent, str) and cookie and hmac.compare_digest(sent, cookie)):
        raise HTTPException(403, N_("missing or wrong CSRF token: reload the page"))


SameSiteForm = [Depends(same_site_form)]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or config(request).secure_cookie


def page(request: Request, name: str, user: User | None, status_code: int = 200,
         area: str = "steward", **context: object) -> HTMLResponse:
    """A page of `area` (its templates link to /<area>/…), with its CSRF cookie."""
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    asked = request.query_params.get("lang")
    lang = language(asked or request.cookies.get(LANG_COOKIE))
    asked_dates = request.query_params.get("dates")
    dates = date_format(asked_dates or request.cookies.get(DATES_COOKIE), lang)
    def switch(**choice: str) -> str:
        """This page's own query (the caller's number, say) with the reader's new choice."""
        return "?" + urlencode({**request.query_params, **choice})

    response = templates.TemplateResponse(request, name, {
        "user": user, "csrf": csrf, "area": area, "switch": switch, **context,
        **reading(lang, dates)}, status_code=status_code)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                        secure=_secure(request), path=f"/{area}")
    # the reader's choices hold on the following pages
    for cookie, chosen, value in ((LANG_COOKIE, asked, lang), (DATES_COOKIE, asked_dates, dates)):
        if chosen:
            response.set_cookie(cookie, value, samesite="lax", secure=_secure(request),
                                path="/", max_age=365 * 24 * 3600)
    return response


def error_page(request: Request, status_code: int, detail: str | None = None,
               fields: list[str] | None = None) -> HTMLResponse:
    """An error of the pages as a page in the reader's language: what went wrong (its
    heading), the detail (a message of the catalog, or a refusal's own words) and the
    form fields at fault; a link back to the start of the area."""
    area = _area(request) or "steward"
    return page(request, "error.html", None, status_code=status_code, area=area,
                title=ERROR_TITLES.get(status_code, ERROR_TITLES[400]), detail=detail,
                fields=fields or [], error=None)


def on_a_page(request: Request) -> bool:
    """A path of the pages (their errors are pages), not of the API (JSON)."""
    return _area(request) is not None


def _area(request: Request) -> str | None:
    """steward, agent or portal for the pages' paths; None for the API's."""
    first = request.url.path.strip("/").split("/")[0]
    return first if first in AREAS else None


async def http_error(request: Request, exc: Exception) -> Response:
    """Not found, not allowed, a wrong CSRF token…: a page on the pages, JSON on the API."""
    assert isinstance(exc, StarletteHTTPException)
    if _area(request) is None:
        return await http_exception_handler(request, exc)
    return error_page(request, exc.status_code, str(exc.detail))


async def invalid_request(request: Request, exc: Exception) -> Response:
    """A form or path value FastAPI refuses (422): the fields named on a page, JSON on
    the API (never echoing the values)."""
    assert isinstance(exc, RequestValidationError)
    if _area(request) is None:
        return await request_validation_exception_handler(request, exc)
    fields = sorted({str(error["loc"][-1]) for error in exc.errors()})
    return error_page(request, 422, fields=fields)


async def server_error(request: Request, exc: Exception) -> Response:
    """An unexpected failure (500; Starlette logs it and re-raises it after the answer):
    a page on the pages, the usual plain text on the API."""
    if _area(request) is None:
        return PlainTextResponse("Internal Server Error", status_code=500)
    return error_page(request, 500)


def session_login(request: Request, username: str, password: str, roles: tuple[str, ...],
                  area: str, home: str, refused: str) -> Response:
    """Log in to the pages of `area` for the roles given (`refused` says who may, when
    the user is not one of them or the password is wrong)."""
    issued = log_in(config(request), username, password)
    if issued is None or issued[0].role not in roles:
        return page(request, "login.html", None, area=area, error=refused)
    response = RedirectResponse(home, status_code=303)
    response.set_cookie(COOKIE, issued[1], httponly=True, samesite="strict",
                        secure=_secure(request), max_age=int(tokens.LIFETIME.total_seconds()))
    return response


def session_logout(request: Request, area: str) -> Response:
    """Revokes the session's token, not only the browser's copy of it."""
    try:
        _, claims = token_user(request, request.cookies.get(COOKIE))
        end_session(request, claims)
    except NotLoggedIn:
        pass        # nothing left to revoke
    response = RedirectResponse(f"/{area}/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def add_session_routes(pages: APIRouter, roles: tuple[str, ...], area: str, home: str,
                       refused: str) -> None:
    """The login form, login and logout of the pages of another `area` (the agent's
    caller page, the customer portal) for the roles given (`refused` says who may)."""

    @pages.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", None, area=area, error=None)

    @pages.post("/login", dependencies=SameSiteForm)
    def login(request: Request, username: Annotated[str, Form()],
              password: Annotated[str, Form()]) -> Response:
        return session_login(request, username, password, roles, area, home, refused)

    @pages.post("/logout", dependencies=SameSiteForm)
    def logout(request: Request) -> Response:
        return session_logout(request, area)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", None, error=None)


@router.post("/login", dependencies=SameSiteForm)
def login(request: Request, username: Annotated[str, Form()],
          password: Annotated[str, Form()]) -> Response:
    return session_login(request, username, password, REQUESTERS, "steward", "/steward/",
                         N_("wrong user name or password, the account disabled or locked for a "
                            "while, or not a steward, approver or admin"))


@router.post("/logout", dependencies=SameSiteForm)
def logout(request: Request) -> Response:
    return session_logout(request, "steward")


@router.get("/", response_class=HTMLResponse)
def queue(request: Request, user: Steward) -> HTMLResponse:
    with config(request).warehouse.connect() as conn:
        groups = suspects.queue(conn)
        precision = suspects.queue_precision(conn)
    return page(request, "queue.html", user, groups=groups, precision=precision)


@router.get("/groups/{group_id}", response_class=HTMLResponse)
def group(request: Request, group_id: str, user: Steward) -> HTMLResponse:
    cfg = config(request)
    with cfg.warehouse.connect() as conn:
        party_ids = suspects.members(conn, group_id)
        records, differing = suspects.side_by_side(conn, party_ids)
        evidence = suspects.task_evidence(conn, group_id) if party_ids else []
        if records and sees_personal_data(user.role):
            # stewards compare ID numbers and mobiles in full: an audited read
            record_personal_data_access(conn, user.role, "steward page suspect group",
                                        f"{user.name}: {','.join(party_ids)}", len(records))
    records = [shown(record, user.role) for record in records]
    return page(request, "group.html", user, group_id=group_id, records=records,
                 differing=differing, evidence=evidence, columns=[c for c in suspects.COMPARED
                                               if access(user.role, c) != ABSENT], error=None,
                 status_code=200 if records else 404)


@router.post("/groups/{group_id}/{decision}", dependencies=SameSiteForm)
def decide_group(request: Request, group_id: str, decision: str, reason: Reason,
                 user: Steward, party: Annotated[list[str] | None, Form()] = None
                 ) -> Response:
    """merge: 人工强制归并 (of the parties checked, by default all); reject: the parties
    are different (never suggested again)."""
    cfg = config(request)
    with cfg.warehouse.connect() as conn:
        party_ids = suspects.members(conn, group_id)
    ask = {"merge": service.request_merge, "reject": service.request_reject_suspect}.get(decision)
    if ask is None or not party_ids:
        return error_page(request, 404, N_("no such group or decision"))
    if party:
        if not set(party) <= set(party_ids):
            return error_page(request, 404, N_("no such group or decision"))
        party_ids = [p for p in party_ids if p in party]
    try:
        request_id = ask(cfg.warehouse, party_ids, user.name, reason)
    except StewardshipError as refusal:
        return error_page(request, 409, refusal.message)
    return RedirectResponse(f"/steward/requests?made={request_id}", status_code=303)


@router.get("/requests", response_class=HTMLResponse)
def requests(request: Request, user: Steward, made: int | None = None) -> HTMLResponse:
    pending = service.tasks(config(request).warehouse, user.name)
    return page(request, "requests.html", user, pending=pending, made=made,
                 decides=user.role in APPROVERS, error=None)


@router.post("/requests/{request_id}/{decision}", dependencies=SameSiteForm)
def decide_request(request: Request, request_id: int, decision: str, user: Steward,
                   note: Annotated[str | None, Form()] = None) -> Response:
    cfg = config(request)
    try:
        if decision == "approve":
            service.approve(cfg.warehouse, request_id, user.name, note)
        elif decision == "reject":
            service.reject(cfg.warehouse, request_id, user.name, note)
        else:
            return error_page(request, 404, N_("no such decision"))
    except StewardshipError as refusal:
        return page(request, "requests.html", user, error=refusal.message, made=None,
                     pending=service.tasks(cfg.warehouse, user.name),
                     decides=user.role in APPROVERS)
    return RedirectResponse("/steward/requests", status_code=303)
