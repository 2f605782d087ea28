"""Signed access tokens (JWT, HS256). A token names the user, its own id (jti, revoked
one by one at logout) and the user's token generation when it was issued (a password
reset, a role change or disabling the user moves the generation on, which revokes
all of the user's tokens at once). The role is not in the token: it is read from
the warehouse (at most a second old, ecif.service.accounts.RecentUsers)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

LIFETIME = timedelta(hours=8)
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Claims:
    user_name: str
    jti: str
    generation: int
    expires_at: datetime


def issue(user_name: str, generation: int, secret: str) -> str:
    now = datetime.now(UTC)
    return jwt.encode({"sub": user_name, "jti": uuid.uuid4().hex, "gen": generation,
                       "iat": now, "exp": now + LIFETIME}, secret, algorithm=ALGORITHM)


def claims(token: str, secret: str) -> Claims | None:
    """What a valid token says; None for a forged, expired or malformed token."""
    try:
        decoded = jwt.decode(token, secret, algorithms=[ALGORITHM],
                             options={"require": ["sub", "jti", "gen", "exp"]})
    except jwt.PyJWTError:
        return None
    if not isinstance(decoded["gen"], int):
        return None
    return Claims(decoded["sub"], decoded["jti"], decoded["gen"],
                  datetime.fromtimestamp(decoded["exp"], UTC).replace(tzinfo=None))
