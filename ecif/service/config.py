"""What one running service needs: the warehouse it owns, the reader login it reads
customer data through on PostgreSQL, the secret its tokens are signed with, when
failed logins lock an account, whether its cookies are sent over TLS only, and how it
delivers the change feed on DuckDB."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

from ecif.events.dispatcher import Policy
from ecif.service.accounts import LoginPolicy
from ecif.service.row_security import READER_LOGIN
from ecif.settings import Settings
from ecif.warehouse import Warehouse


@dataclass(frozen=True)
class ServiceConfig:
    warehouse: Warehouse
    secret: str
    # PostgreSQL: the non-owner login that row-level security applies to; None on DuckDB
    reader: Warehouse | None
    # a larger request body is refused (413): the largest legitimate one is an
    # enhancement file of a few thousand rows
    max_body_bytes: int = Settings.service_max_body_bytes
    # steward requests (requests, parties, enhancements) per user: refused (429) beyond
    # `request_burst` at once or `requests_per_minute` sustained
    requests_per_minute: int = Settings.service_requests_per_minute
    request_burst: int = Settings.service_request_burst
    login_policy: LoginPolicy = LoginPolicy()
    # the steward pages' cookie is Secure when the request came over https, or always
    # with this set (behind a proxy that ends TLS and forwards plain http)
    secure_cookie: bool = False
    # DuckDB: how the service delivers the change feed itself (ecif.service.deliveries)
    delivery: Policy = Policy()


def from_settings(warehouse: Warehouse, chosen: Settings) -> ServiceConfig:
    """Without ECIF_SERVICE_SECRET a random secret is drawn: tokens then die with the
    process, which is safe but logs everyone out on restart."""
    return ServiceConfig(warehouse, chosen.service_secret or secrets.token_urlsafe(32),
                         reader_of(warehouse, chosen.service_reader_url),
                         max_body_bytes=chosen.service_max_body_bytes,
                         requests_per_minute=chosen.service_requests_per_minute,
                         request_burst=chosen.service_request_burst,
                         login_policy=LoginPolicy.from_settings(chosen),
                         secure_cookie=chosen.service_secure_cookie)


def reader_of(warehouse: Warehouse, reader_url: str | None) -> Warehouse | None:
    """PostgreSQL: `reader_url` (ECIF_SERVICE_READER_URL), else the warehouse's URL as
    the reader login."""
    if warehouse.kind != "postgres":
        return None
    if reader_url:
        return Warehouse(reader_url)
    parts = urlparse(warehouse.url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
    return Warehouse(urlunparse(parts._replace(netloc=f"{READER_LOGIN}@{host}")))
