"""Request dependencies: who is calling, may their role do this, and the connection
their customer reads go through (scoped on PostgreSQL by row-level security)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ecif.service import row_security, tokens
from ecif.service.accounts import User, load_identity
from ecif.service.config import ServiceConfig
from ecif.warehouse import Connection

COOKIE = "ecif_token"
bearer = HTTPBearer(auto_error=False)


def config(request: Request) -> ServiceConfig:
    return request.app.state.config


class NotLoggedIn(Exception):
    """No valid token: 401 for the API, a redirect to the login page for the pages."""


def token_user(request: Request, token: str | None) -> tuple[User, tokens.Claims]:
    """The user a token names, if it is signed, unexpired, not revoked (logout, or a
    password reset, role change or disabling since it was issued) and the user enabled."""
    claims = tokens.claims(token, config(request).secret) if token else None
    if claims is None:
        raise NotLoggedIn
    state = request.app.state
    identity = state.recent_users.get(claims.user_name)
    if identity is None:
        with state.connections.connect() as conn:
            identity = load_identity(conn, claims.user_name)
        if identity is None:
            raise NotLoggedIn
        state.recent_users.put(identity)
    if not identity.accepts(claims):
        raise NotLoggedIn
    return identity.user, claims


def _bearer_user(request: Request,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
                 ) -> tuple[User, tokens.Claims]:
    """The API takes the Authorization header only, never the pages' cookie: a cookie
    rides along on requests other sites make, a header does not."""
    try:
        return token_user(request, credentials.credentials if credentials else None)
    except NotLoggedIn:
        raise HTTPException(401, "missing or invalid token",
                            headers={"WWW-Authenticate": "Bearer"}) from None


def current_user(caller: Annotated[tuple[User, tokens.Claims], Depends(_bearer_user)]) -> User:
    return caller[0]


def bearer_claims(caller: Annotated[tuple[User, tokens.Claims], Depends(_bearer_user)]
                  ) -> tokens.Claims:
    return caller[1]


CurrentUser = Annotated[User, Depends(current_user)]
Config = Annotated[ServiceConfig, Depends(config)]


def require(*roles: str) -> Callable[..., Awaitable[User]]:
    # async: no I/O here, so FastAPI need not hand it to its thread pool
    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(403, f"role {user.role} may not do this: needs one of "
                                     f"{', '.join(roles)}")
        return user
    return check


def customer_reader(request: Request, user: CurrentUser) -> Iterator[Connection]:
    """The connection customer data is read through. On PostgreSQL it is the reader
    login in the caller's role, so the policies scope rows whatever the query says (the
    build keeps them in place: no DDL here)."""
    cfg = config(request)
    if cfg.reader is None:
        with cfg.warehouse.connect() as conn:
            yield conn
        return
    with cfg.reader.connect() as conn:
        row_security.act_as(conn, user)
        yield conn


Reader = Annotated[Connection, Depends(customer_reader)]
