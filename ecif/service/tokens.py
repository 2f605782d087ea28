"""Signed access tokens (JWT, HS256). The token names the user only: the role is read
from the warehouse (at most a second old, ecif.service.accounts.RecentUsers), so a
revoked role does not live on in a token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

LIFETIME = timedelta(hours=8)
ALGORITHM = "HS256"


def issue(user_name: str, secret: str) -> str:
    now = datetime.now(UTC)
    return jwt.encode({"sub": user_name, "iat": now, "exp": now + LIFETIME}, secret,
                      algorithm=ALGORITHM)


def subject(token: str, secret: str) -> str | None:
    """The user a valid token names; None for a forged, expired or malformed token."""
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM],
                          options={"require": ["sub", "exp"]})["sub"]
    except jwt.PyJWTError:
        return None
