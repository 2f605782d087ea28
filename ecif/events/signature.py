"""The webhook signature: HMAC-SHA256 of the exact request body under the
subscription's secret, hex, in the header `ECIF-Signature: sha256=<hex>` (README,
"Change feed" shows a receiver's check)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "ECIF-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
