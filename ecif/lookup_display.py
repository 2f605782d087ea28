"""The customer-360 view on a terminal: a profile panel, policies and recent contacts,
as ecif.lookup.present left them for the caller's role (a field the role may not see
is shown as -)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

CLASSES = {"A": "high value", "B": "core", "C": "standard"}


def _text(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def render_view(console: Console, view: dict[str, Any]) -> None:
    p = view["profile"]
    kind = "person" if p.get("party_type") == "P" else "organization"
    lines = [
        f"[bold]{_text(p.get('name'))}[/bold]  {p['party_id']}  {kind}  {_text(p.get('status'))}",
        f"ID {_text(p.get('id_type'))} {_text(p.get('id_no'))}   mobile {_text(p.get('mobile'))}"
        f"   landline {_text(p.get('phone'))}",
        "".join(p.get(k) or "" for k in ("province", "city", "district")),
        f"service tier [bold]{_text(p.get('service_tier'))}[/bold]",
        f"value {_text(p.get('value_class'))} ({CLASSES.get(p.get('value_class'), '')}), risk "
        f"{_text(p.get('risk_class'))}; {_text(p.get('policies_in_force'))} policies in force "
        f"({_text(p.get('product_lines_in_force'))}), premium "
        f"{p.get('premium_in_force') or 0:,.2f} yuan",
        f"claims {_text(p.get('claims_total'))} ({_text(p.get('claims_open'))} open, paid "
        f"{p.get('claims_paid') or 0:,.2f} yuan); complaints in 12 months "
        f"{_text(p.get('complaints_12m'))}"
        + ("  [red]open complaint[/red]" if p.get("has_open_complaint") else ""),
        "do not call" if p.get("do_not_call") else
        {True: "consents to marketing", False: "refused marketing"}.get(
            p.get("consent_marketing"), "marketing consent unknown"),
    ]
    console.print(Panel("\n".join(lines), title="customer 360", expand=False))
    if view["policies"]:
        table = Table("policy", "line", "status", "effective", "expiry", "premium", "plate",
                      "renewed", title="policies")
        for pol in view["policies"]:
            table.add_row(_text(pol.get("policy_no")), _text(pol.get("product_line")),
                          _text(pol.get("status")), _text(pol.get("effective_date")),
                          _text(pol.get("expiry_date")), f"{pol.get('premium') or 0:,.2f}",
                          _text(pol.get("vehicle_plate")), "yes" if pol.get("is_renewed") else "")
        console.print(table)
    if view["events"]:
        table = Table("when", "event", "channel", "outcome", "reference", title="recent contacts")
        for ev in view["events"]:
            table.add_row(*(_text(ev.get(k)) for k in ("occurred_at", "event_type", "channel",
                                                        "outcome", "event_key")))
        console.print(table)
