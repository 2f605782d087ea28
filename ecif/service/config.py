"""What one running service needs: the warehouse it owns, the reader login it reads
customer data through on PostgreSQL, and the secret its tokens are signed with."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

from ecif.service.row_security import READER_LOGIN
from ecif.warehouse import Warehouse

SECRET_ENV = "ECIF_SERVICE_SECRET"
READER_URL_ENV = "ECIF_SERVICE_READER_URL"


@dataclass(frozen=True)
class ServiceConfig:
    warehouse: Warehouse
    secret: str
    # PostgreSQL: the non-owner login that row-level security applies to; None on DuckDB
    reader: Warehouse | None
    # approvals re-run the pipeline steps they need, after the response is sent
    rebuild_after_approval: bool = True


def from_environment(warehouse: Warehouse) -> ServiceConfig:
    """Without ECIF_SERVICE_SECRET a random secret is drawn: tokens then die with the
    process, which is safe but logs everyone out on restart."""
    secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    return ServiceConfig(warehouse, secret, reader_of(warehouse))


def reader_of(warehouse: Warehouse) -> Warehouse | None:
    if warehouse.kind != "postgres":
        return None
    if os.environ.get(READER_URL_ENV):
        return Warehouse(os.environ[READER_URL_ENV])
    parts = urlparse(warehouse.url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
    return Warehouse(urlunparse(parts._replace(netloc=f"{READER_LOGIN}@{host}")))
