"""Tokens: POST /v1/token (OAuth2 password form) and POST /v1/logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from pydantic import BaseModel

from ecif.service import tokens
from ecif.service.accounts import User, authenticate, generation_of, revoke
from ecif.service.dependencies import Config, bearer_claims

router = APIRouter(prefix="/v1", tags=["authentication"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


def log_in(cfg: Config, username: str, password: str) -> tuple[User, str] | None:
    """The user and a new token, or None (wrong password, unknown, disabled or locked)."""
    with cfg.warehouse.connect() as conn:
        user = authenticate(conn, username, password, cfg.login_policy)
        if user is None:
            return None
        return user, tokens.issue(user.name, generation_of(conn, user.name), cfg.secret)


@router.post("/token", response_model=Token)
def token(username: Annotated[str, Form(min_length=1)], password: Annotated[str, Form()],
          cfg: Config) -> Token:
    """Five wrong passwords in a row (ECIF_LOGIN_MAX_FAILURES) lock the account for
    15 minutes (ECIF_LOGIN_LOCK_MINUTES); the answer does not say which."""
    issued = log_in(cfg, username, password)
    if issued is None:
        raise HTTPException(401, "wrong user name or password, or the account is disabled "
                                 "or locked for a while",
                            headers={"WWW-Authenticate": "Bearer"})
    return Token(access_token=issued[1])


@router.post("/logout", status_code=204)
def logout(request: Request,
           claims: Annotated[tokens.Claims, Depends(bearer_claims)]) -> Response:
    """Revokes the token the request carries."""
    end_session(request, claims)
    return Response(status_code=204)


def end_session(request: Request, claims: tokens.Claims) -> None:
    with request.app.state.connections.connect() as conn:
        revoke(conn, claims)
    request.app.state.recent_users.forget(claims.user_name)
