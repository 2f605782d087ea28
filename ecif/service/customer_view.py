"""The customer-360 view as the service returns it: fields chosen and masked by role.

Masking reuses ecif.masking (ID 110101********1234, mobile 138****5678). Roles that
may see personal data (reference_data/seeds/role_permission.csv) get it in full and
the read is audited by the caller; a telesales seat gets only contact details, grade
and contact history (no ID, no policies, no claims).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ecif.lookup import CustomerView
from ecif.masking import mask_id, mask_mobile, roles_seeing_personal_data


def _hide(value: str | None) -> str | None:
    return None if value is None else "***"


MASKERS = {"id_no": mask_id, "mobile": mask_mobile, "phone": mask_mobile, "email": _hide,
           "address": _hide}
TELESALES_PROFILE = ("party_id", "party_type", "name", "status", "mobile", "phone", "email",
                     "province", "city", "district", "value_class", "do_not_call",
                     "consent_marketing", "has_open_complaint")


def unmasked_for(role: str) -> bool:
    return role in roles_seeing_personal_data()


def present(view: CustomerView, role: str) -> dict[str, Any]:
    shown = asdict(view)
    if role == "telesales":
        shown["profile"] = {k: v for k, v in shown["profile"].items() if k in TELESALES_PROFILE}
        shown["policies"] = []
    if not unmasked_for(role):
        for name, mask in MASKERS.items():
            if name in shown["profile"]:
                shown["profile"][name] = mask(shown["profile"][name])
    return shown
