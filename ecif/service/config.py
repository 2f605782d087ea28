"""What one running service needs: the warehouse it owns, the reader login it reads
customer data through on PostgreSQL, the secret its tokens are signed with, when
failed logins lock an account, and whether its cookies are sent over TLS only."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

from ecif.service.accounts import LoginPolicy
from ecif.service.row_security import READER_LOGIN
from ecif.warehouse import Warehouse

SECRET_ENV = "ECIF_SERVICE_SECRET"
READER_URL_ENV = "ECIF_SERVICE_READER_URL"
# request bounds (ecif.service.request_limits), each overridable by ECIF_SERVICE_<NAME>
LIMITS = ("max_body_bytes", "requests_per_minute", "request_burst")
SECURE_COOKIE_ENV = "ECIF_SERVICE_SECURE_COOKIE"


@dataclass(frozen=True)
class ServiceConfig:
    warehouse: Warehouse
    secret: str
    # PostgreSQL: the non-owner login that row-level security applies to; None on DuckDB
    reader: Warehouse | None
    # a larger request body is refused (413): the largest legitimate one is an
    # enhancement file of a few thousand rows
    max_body_bytes: int = 1_048_576
    # steward requests (requests, parties, enhancements) per user: refused (429) beyond
    # `request_burst` at once or `requests_per_minute` sustained
    requests_per_minute: int = 30
    request_burst: int = 10
    login_policy: LoginPolicy = LoginPolicy()
    # the steward pages' cookie is Secure when the request came over https, or always
    # with this set (behind a proxy that ends TLS and forwards plain http)
    secure_cookie: bool = False


def from_environment(warehouse: Warehouse) -> ServiceConfig:
    """Without ECIF_SERVICE_SECRET a random secret is drawn: tokens then die with the
    process, which is safe but logs everyone out on restart."""
    secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    limits = {name: int(os.environ[f"ECIF_SERVICE_{name.upper()}"]) for name in LIMITS
              if os.environ.get(f"ECIF_SERVICE_{name.upper()}")}
    return ServiceConfig(warehouse, secret, reader_of(warehouse), **limits,
                         login_policy=LoginPolicy.from_environment(),
                         secure_cookie=os.environ.get(SECURE_COOKIE_ENV, "") == "1")


def reader_of(warehouse: Warehouse) -> Warehouse | None:
    if warehouse.kind != "postgres":
        return None
    if os.environ.get(READER_URL_ENV):
        return Warehouse(os.environ[READER_URL_ENV])
    parts = urlparse(warehouse.url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
    return Warehouse(urlunparse(parts._replace(netloc=f"{READER_LOGIN}@{host}")))
