"""Tokens and accounts: POST /v1/token (OAuth2 password form), POST /v1/users (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException
from pydantic import BaseModel, Field

from ecif.service import tokens
from ecif.service.accounts import User, authenticate, set_password
from ecif.service.dependencies import Config, require
from ecif.stewardship import service
from ecif.stewardship.users import ROLES

router = APIRouter(prefix="/v1", tags=["authentication"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/token", response_model=Token)
def token(username: Annotated[str, Form(min_length=1)], password: Annotated[str, Form()],
          cfg: Config) -> Token:
    with cfg.warehouse.connect() as conn:
        user = authenticate(conn, username, password)
    if user is None:
        raise HTTPException(401, "wrong user name or password",
                            headers={"WWW-Authenticate": "Bearer"})
    return Token(access_token=tokens.issue(user.name, cfg.secret))


class NewUser(BaseModel):
    user_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
    role: Annotated[str, Field(json_schema_extra={"enum": list(ROLES)})]
    password: Annotated[str, Field(min_length=8)]
    owner_code: str | None = Field(None, description="agent code or telesales seat")


@router.post("/users", status_code=201)
def add_user(body: NewUser, cfg: Config,
             admin: Annotated[User, Depends(require("admin"))]) -> dict[str, str]:
    service.user_add(cfg.warehouse, body.user_name, body.role, admin.name)
    with cfg.warehouse.connect() as conn:
        try:
            set_password(conn, body.user_name, body.password, body.owner_code)
        except ValueError as problem:
            raise HTTPException(422, str(problem)) from None
    return {"user_name": body.user_name, "role": body.role}
