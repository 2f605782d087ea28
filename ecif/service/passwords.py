"""Password hashing for service accounts: scrypt with a random salt per password.

Stored as `scrypt$n$r$p$salt_hex$hash_hex`, so the cost can be raised later without
invalidating existing hashes; comparison is constant-time. The policy for new
passwords and its list of common passwords are here too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from ecif.reference import reference_file

N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


MIN_LENGTH = 12
COMMON_PASSWORDS = reference_file("common_passwords.txt")


class WeakPassword(ValueError):
    """A password the policy refuses; the message says which rule."""


def check_policy(user_name: str, password: str) -> None:
    """At least MIN_LENGTH characters, not the user name, not a well-known password."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password: at least {MIN_LENGTH} characters")
    name = user_name.casefold()
    if password.casefold() == name or (len(name) >= 3 and name in password.casefold()):
        raise WeakPassword("password: must not contain the user name")
    if password.casefold() in _common():
        raise WeakPassword("password: too common (in reference_data/common_passwords.txt)")


@cache
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines
                     if line.strip() and not line.startswith("#"))


@cache
def dummy_hash() -> str:
    """Checked against when the user does not exist, so that a refusal takes as long
    whether or not the name is known."""
    return hash_password(secrets.token_urlsafe(16))
