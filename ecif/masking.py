"""What each role sees of personal data, and the masks that hide it.

reference_data/seeds/role_permission.csv says, per role and field, whether the field
is visible, masked or absent wherever data leaves the warehouse (API, steward pages,
`ecif lookup`, exports); field `*` is a role's default for the fields it does not list,
so a role without a `*` row sees nothing it is not granted by name.

The ID and mobile masks are the Python twin of the dbt macro `mask`
(dbt_project/macros/masking.sql; tests/test_identifier_rules.py holds them to the same
answers): ID numbers keep their first six and last four characters
(110101********1234), mobiles their first three and last four (138****5678); a value
too short to keep a part of is all asterisks. Names keep the family name's character
(张**); e-mail and addresses show only that there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from ecif.reference import read_seed

VISIBLE, MASKED, ABSENT = "visible", "masked", "absent"
ANY_FIELD = "*"


class AccessDenied(PermissionError):
    """A role asked for personal data it may not see."""


def mask_id(value: str | None) -> str | None:
    return _mask(value, keep_head=6, keep_tail=4, min_length=10)


def mask_mobile(value: str | None) -> str | None:
    return _mask(value, keep_head=3, keep_tail=4, min_length=8)


def mask_name(value: str | None) -> str | None:
    return None if value is None else value[:1] + "*" * (len(value) - 1)


def hide(value: str | None) -> str | None:
    """Hidden entirely, and its length with it: values with no part worth keeping
    (e-mails, addresses, birth dates)."""
    return None if value is None else "***"


def _mask(value: str | None, keep_head: int, keep_tail: int, min_length: int) -> str | None:
    if value is None:
        return None
    if len(value) < min_length:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


Mask = Callable[[Any], Any]
# the personal-data fields and their masks; only these may be `masked` in the seed
MASKS: dict[str, Mask] = {
    "id_no": mask_id, "mobile": mask_mobile, "phone": mask_mobile, "name": mask_name,
    "holder_name": mask_name, "email": hide, "address": hide}
# masked on the command line unless `--unmasked` is asked for (and allowed)
CONTACT_AND_ID = ("id_no", "mobile", "phone", "email", "address")


@cache
def permissions() -> dict[str, dict[str, str]]:
    """role → field → access, from the seed (read once per process)."""
    rules: dict[str, dict[str, str]] = {}
    for line, row in enumerate(read_seed("role_permission"), start=2):
        if row["access"] not in (VISIBLE, MASKED, ABSENT) or (
                row["access"] == MASKED and row["field"] not in MASKS):
            raise ValueError(f"role_permission.csv line {line}: {row['field']} cannot be "
                             f"{row['access']!r} (visible, absent, or masked for "
                             f"{', '.join(MASKS)})")
        rules.setdefault(row["role"], {})[row["field"]] = row["access"]
    return rules


def access(role: str | None, field: str) -> str:
    rules = permissions().get(role or "", {})
    return rules.get(field, rules.get(ANY_FIELD, ABSENT))


def sees_personal_data(role: str | None) -> bool:
    """Whether the role may see any personal-data field in full (its reads are audited)."""
    return any(access(role, field) == VISIBLE for field in MASKS)


def view_of(role: str | None, fields: Iterable[str], *,
            unmasked: bool = True) -> dict[str, Mask | None]:
    """The fields the role may see, each with the mask to apply (None: shown as it is).
    Without `unmasked` (the command line's default) contact details and ID numbers are
    masked even where the role may see them."""
    seen: dict[str, Mask | None] = {}
    for field in fields:
        rule = access(role, field)
        if rule != ABSENT:
            masked = rule == MASKED or (field in CONTACT_AND_ID and not unmasked)
            seen[field] = MASKS[field] if masked else None
    return seen


def shown(row: dict[str, Any], role: str | None, *, unmasked: bool = True) -> dict[str, Any]:
    """The row as the role may see it: absent fields dropped, masked ones masked."""
    return {field: row[field] if mask is None else mask(row[field])
            for field, mask in view_of(role, row, unmasked=unmasked).items()}


def permission_table() -> str:
    """The seed as a Markdown table, field by role (README, Security; `python -m
    ecif.masking` prints it)."""
    rules = permissions()
    roles = list(rules)
    fields = list(dict.fromkeys(f for r in roles for f in rules[r]))
    cell = {VISIBLE: "yes", MASKED: "masked", ABSENT: "-"}
    lines = [f"| field | {' | '.join(roles)} |", "|---" * (len(roles) + 1) + "|"]
    for field in fields:
        name = "any other field" if field == ANY_FIELD else f"`{field}`"
        lines.append(f"| {name} | " + " | ".join(cell[access(r, field)] for r in roles) + " |")
    return "\n".join(lines)


def check_unmasked(role: str | None) -> None:
    """Refuse unmasked output unless the role may see personal data."""
    if not sees_personal_data(role):
        allowed = sorted(r for r in permissions() if sees_personal_data(r))
        raise AccessDenied(f"--unmasked needs a login whose role may see personal data "
                           f"({', '.join(allowed)}); got {role or 'no role'}")


if __name__ == "__main__":
    print(permission_table())
