"""The customer portal's pages (/portal): register, log in, "my account" (policies,
claims, value grade, points) and the form that changes the customer's own contact
details, with what the staging rules refuse shown beside the field. The rules are
ecif/service/portal.py; session, CSRF and templates are the steward pages'
(ecif/service/pages.py). No page takes a party id: the account's binding alone says
whose record is shown."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from ecif.identifiers import InvalidValue
from ecif.service import portal
from ecif.service.accounts import User
from ecif.service.dependencies import config, customer_reader
from ecif.service.pages import (
    SameSiteForm,
    add_session_routes,
    page,
    session_login,
    session_user,
)
from ecif.service.passwords import WeakPassword
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_

router = APIRouter(prefix="/portal", include_in_schema=False)
AREA = "portal"
ROLES = ("customer",)
REFUSED = N_("wrong user name or password, the account disabled or locked for a while, "
             "or not a registered customer")
HOME = "/portal/account"
Field = Annotated[str, Form(max_length=400)]


def customer(request: Request) -> User:
    return session_user(request, ROLES, AREA)


Customer = Annotated[User, Depends(customer)]
add_session_routes(router, ROLES, AREA, HOME, REFUSED)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request) -> HTMLResponse:
    return page(request, "register.html", None, area=AREA, form={}, problems={}, error=None)


@router.post("/register", dependencies=[*SameSiteForm, Depends(portal.throttle)])
def register(request: Request, username: Annotated[str, Form(max_length=64)],
             password: Annotated[str, Form(max_length=128)], name: Field, id_no: Field,
             mobile: Field, email: Field = "") -> Response:
    entered = {"user_name": username, "name": name, "id_no": id_no, "mobile": mobile,
               "email": email}
    problems, error = {}, None
    try:
        portal.register(request, portal.Registration(password=password, **{
            k: v for k, v in entered.items() if v}))
    except InvalidValue as refused:
        problems[refused.field] = refused.problem
    except WeakPassword:
        problems["password"] = "WEAK_PASSWORD"
    except StewardshipError as refusal:
        error = refusal.message
    except ValidationError as limits:       # the model's own (a user name too short)
        problems[str(limits.errors()[0]["loc"][0])] = "BAD_FORMAT"
    if problems or error:
        return page(request, "register.html", None, area=AREA, form=entered,
                    problems=problems, error=error, status_code=422 if problems else 409)
    # registered: logged in at once, as the login page would
    return session_login(request, username, password, ROLES, AREA, HOME, REFUSED)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: Customer, saved: int = 0) -> HTMLResponse:
    return _account_page(request, user, saved=bool(saved), problems={}, entered={})


@router.post("/account/contact", dependencies=SameSiteForm)
def contact(request: Request, user: Customer, mobile: Field = "", email: Field = "",
            province: Field = "", city: Field = "", district: Field = "",
            address: Field = "") -> Response:
    parts = [province, city, district, address]
    change = portal.ContactChange(mobile=mobile or None, email=email or None,
                                  address="|".join(parts) if any(parts) else None)
    try:
        portal.change_contact(request, user, change)
    except InvalidValue as refused:
        entered = {"mobile": mobile, "email": email, "province": province, "city": city,
                   "district": district, "address": address}
        return _account_page(request, user, saved=False, problems={refused.field:
                                                                    refused.problem},
                             entered=entered, status_code=422)
    return RedirectResponse("/portal/account?saved=1", status_code=303)


def _account_page(request: Request, user: User, saved: bool, problems: dict[str, str],
                  entered: dict[str, str], status_code: int = 200) -> HTMLResponse:
    # the connection the API reads through: on PostgreSQL row-level security too
    with contextmanager(customer_reader)(request, user) as conn:
        mine = portal.account(conn, user, config(request))
    return page(request, "account.html", user, area=AREA, account=mine, saved=saved,
                problems=problems, entered=entered, error=None, status_code=status_code)
