"""An event as a reader sees it: the personal data of its golden values shown by the
reader's role exactly as the API shows a customer (ecif.masking.shown), and as a
CloudEvents 1.0 structured-mode body for webhooks."""

from __future__ import annotations

from typing import Any

from ecif.masking import shown

SOURCE = "urn:ecif:customer-master"
TYPE_PREFIX = "cn.ecif.customer."


def for_role(event: dict[str, Any], role: str | None) -> dict[str, Any]:
    payload = dict(event["payload"])
    if "customer" in payload:
        payload["customer"] = shown({"party_id": event["party_id"], **payload["customer"]},
                                    role)
        payload["customer"].pop("party_id", None)
    return {**event, "occurred_at": event["occurred_at"].isoformat() + "Z", "payload": payload}


def cloud_event(event: dict[str, Any], role: str | None) -> dict[str, Any]:
    """`event` as read from the outbox; `ecifseq` (an extension attribute) is the seq a
    consumer resumes after."""
    seen = for_role(event, role)
    return {"specversion": "1.0", "id": seen["event_id"], "source": SOURCE,
            "type": TYPE_PREFIX + seen["event_type"].lower(), "subject": seen["party_id"],
            "time": seen["occurred_at"], "datacontenttype": "application/json",
            "ecifseq": str(seen["seq"]),
            "data": {k: seen[k] for k in ("party_id", "business_date", "run_id",
                                          "changed_fields", "payload")}}
