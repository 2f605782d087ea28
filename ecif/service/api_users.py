"""User lifecycle over HTTP (admin): add, list, reset a password, disable, enable,
delete, and ask for a role change (decided like any request, by another admin or
approver). Each is a thin call of ecif.stewardship.service, as `ecif steward user-…`.
A user that exists, or a rule saying no, answers 409; a bad role, owner code or a
password the policy refuses, 422."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import Field

from ecif.service.accounts import User
from ecif.service.dependencies import Config, CurrentUser, require
from ecif.service.request_body import RequestBody
from ecif.stewardship import service
from ecif.stewardship.users import ROLES, StewardshipError

router = APIRouter(prefix="/v1/users", tags=["users"])
UserName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
Role = Annotated[str, Field(json_schema_extra={"enum": list(ROLES)})]
Admin = Annotated[User, Depends(require("admin"))]


class NewUser(RequestBody):
    user_name: UserName
    role: Role
    password: Annotated[str, Field(max_length=200)]
    owner_code: str | None = Field(None, description="agent code or telesales seat")


class NewPassword(RequestBody):
    password: Annotated[str, Field(max_length=200)]


class NewRole(RequestBody):
    role: Role
    owner_code: str | None = Field(None, description="agent code or telesales seat")
    reason: Annotated[str, Field(min_length=1, max_length=500)]


@contextmanager
def _changing(request: Request, user_name: str) -> Iterator[None]:
    """Bad input → 422; the user's cached identity is dropped so the change holds at once."""
    try:
        yield
    except StewardshipError:
        raise
    except ValueError as problem:
        raise HTTPException(422, str(problem)) from None
    finally:
        request.app.state.recent_users.forget(user_name)


@router.post("", status_code=201)
def add_user(body: NewUser, request: Request, cfg: Config, admin: Admin) -> dict[str, str]:
    with _changing(request, body.user_name):
        service.user_add(cfg.warehouse, body.user_name, body.role, body.password, admin.name,
                         body.owner_code)
    return {"user_name": body.user_name, "role": body.role}


@router.get("")
def list_users(cfg: Config, admin: Admin) -> list[dict[str, Any]]:
    return [{"user_name": n, "role": r, "owner_code": o, "disabled": d, "locked_until": lk,
             "created_at": c} for n, r, o, d, lk, c in service.user_list(cfg.warehouse,
                                                                         admin.name)]


@router.put("/{user_name}/password", status_code=204)
def set_password(user_name: str, body: NewPassword, request: Request, cfg: Config,
                 user: CurrentUser) -> Response:
    """An admin resets anyone's password, a user changes their own; the user's tokens
    are revoked either way."""
    with _changing(request, user_name):
        service.user_password(cfg.warehouse, user_name, body.password, user.name)
    return Response(status_code=204)


def _admin_action(action: Callable[[Config, str, str], None]) -> Callable[..., Response]:
    def endpoint(user_name: str, request: Request, cfg: Config, admin: Admin) -> Response:
        with _changing(request, user_name):
            action(cfg, user_name, admin.name)
        return Response(status_code=204)
    return endpoint


router.add_api_route("/{user_name}/disable", _admin_action(
    lambda cfg, name, admin: service.user_disable(cfg.warehouse, name, True, admin)),
    methods=["POST"], status_code=204, summary="Disable a user (login and tokens refused)")
router.add_api_route("/{user_name}/enable", _admin_action(
    lambda cfg, name, admin: service.user_disable(cfg.warehouse, name, False, admin)),
    methods=["POST"], status_code=204, summary="Enable a disabled user")
router.add_api_route("/{user_name}", _admin_action(
    lambda cfg, name, admin: service.user_delete(cfg.warehouse, name, admin)),
    methods=["DELETE"], status_code=204, summary="Delete a user with no pending requests")


@router.post("/{user_name}/role", status_code=201)
def request_role(user_name: str, body: NewRole, request: Request, cfg: Config,
                 admin: Admin) -> dict[str, Any]:
    """Asks for the change; it holds once another admin or approver approves request_id."""
    with _changing(request, user_name):
        request_id = service.request_role(cfg.warehouse, user_name, body.role, body.owner_code,
                                          admin.name, body.reason)
    return {"request_id": request_id, "status": "PENDING"}
