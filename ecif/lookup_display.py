"""The customer-360 view on a terminal: a profile panel, policies and recent contacts."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from ecif.lookup import CustomerView
from ecif.masking import mask_id, mask_mobile

CLASSES = {"A": "high value", "B": "core", "C": "standard"}


def render_view(console: Console, view: CustomerView, *, unmasked: bool) -> None:
    p = view.profile
    mobile = p["mobile"] if unmasked else mask_mobile(p["mobile"])
    id_no = p["id_no"] if unmasked else mask_id(p["id_no"])
    phone = p["phone"] if unmasked else mask_mobile(p["phone"])
    kind = "person" if p["party_type"] == "P" else "organization"
    lines = [
        f"[bold]{p['name'] or '(no name)'}[/bold]  {p['party_id']}  {kind}  {p['status']}",
        f"ID {p['id_type'] or '-'} {id_no or '-'}   mobile {mobile or '-'}   "
        f"landline {phone or '-'}",
        f"{p['province'] or ''}{p['city'] or ''}{p['district'] or ''}",
        f"value {p['value_class']} ({CLASSES.get(p['value_class'], '')}), risk "
        f"{p['risk_class']}; {p['policies_in_force']} policies in force "
        f"({p['product_lines_in_force'] or '-'}), premium {p['premium_in_force']:,.2f} yuan",
        f"claims {p['claims_total']} ({p['claims_open']} open, paid "
        f"{p['claims_paid']:,.2f} yuan); complaints in 12 months {p['complaints_12m']}"
        + ("  [red]open complaint[/red]" if p["has_open_complaint"] else ""),
        "do not call" if p["do_not_call"] else
        ("consents to marketing" if p["consent_marketing"] else "no marketing consent"),
    ]
    console.print(Panel("\n".join(lines), title="customer 360", expand=False))
    if view.policies:
        table = Table("policy", "line", "status", "effective", "expiry", "premium", "plate",
                      "renewed", title="policies")
        for pol in view.policies:
            table.add_row(pol["policy_no"], pol["product_line"], pol["status"],
                          str(pol["effective_date"]), str(pol["expiry_date"]),
                          f"{pol['premium'] or 0:,.2f}", pol["vehicle_plate"] or "",
                          "yes" if pol["is_renewed"] else "")
        console.print(table)
    if view.events:
        table = Table("when", "event", "channel", "outcome", "reference", title="recent contacts")
        for ev in view.events:
            table.add_row(str(ev["occurred_at"]), ev["event_type"], ev["channel"] or "",
                          ev["outcome"] or "", ev["event_key"])
        console.print(table)
