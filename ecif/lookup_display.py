"""The customer-360 view on a terminal: a profile panel, policies and recent contacts,
as ecif.lookup.present left them for the caller's role (a field the role may not see
is shown as -). In the seat's language (zh by default, the caller page's messages and
the code names of ecif.translation), dates as the seat chose."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ecif.translation import code_label, gettext, shown_value


class Shown:
    """Values as a seat reads them: names, not codes; dates and amounts in its format."""

    def __init__(self, lang: str, dates: str) -> None:
        self.lang, self.dates, self._ = lang, dates, gettext(lang)

    def __call__(self, code_type: str, value: Any) -> str:
        if value is None or value == "":
            return "-"
        return escape(shown_value(code_type, value, self.lang, self.dates))

    def lines(self, value: str | None) -> str:
        """A comma-separated list of product lines, each by its name."""
        if not value:
            return "-"
        sep = "、" if self.lang == "zh" else ", "
        return escape(sep.join(code_label("product_line", v, self.lang) for v in value.split(",")))

    def money(self, value: Any) -> str:
        return self._("{amount} yuan").format(amount=f"{float(value or 0):,.2f}")


def _profile(p: dict[str, Any], show: Shown) -> list[str]:
    _ = show._
    consent = p.get("consent_marketing")
    return [
        f"[bold]{show('name', p.get('name'))}[/bold]  {p['party_id']}  "
        f"{show('party_type', p.get('party_type'))}  {show('status', p.get('status'))}",
        f"{_('ID type')} {show('id_type', p.get('id_type'))}  {_('ID number')} "
        f"{show('id_no', p.get('id_no'))}   {_('mobile')} {show('mobile', p.get('mobile'))}"
        f"   {_('landline')} {show('phone', p.get('phone'))}",
        escape("".join(p.get(k) or "" for k in ("province", "city", "district"))),
        f"{_('service tier')} [bold]{show('service_tier', p.get('service_tier'))}[/bold]",
        f"{_('value class')} {show('value_class', p.get('value_class'))}; "
        f"{_('risk class')} {show('risk_class', p.get('risk_class'))}; "
        f"{_('policies in force')} {show('policies_in_force', p.get('policies_in_force'))} "
        f"({show.lines(p.get('product_lines_in_force'))}), {_('premium')} "
        f"{show.money(p.get('premium_in_force'))}",
        f"{_('claims')} {show('claims_total', p.get('claims_total'))} ({_('open claims')} "
        f"{show('claims_open', p.get('claims_open'))}, {_('paid')} "
        f"{show.money(p.get('claims_paid'))}); {_('complaints in 12 months')} "
        f"{show('complaints_12m', p.get('complaints_12m'))}"
        + (f"  [red]{_('open complaint')}[/red]" if p.get("has_open_complaint") else ""),
        _("do not call") if p.get("do_not_call") else
        {True: _("consents to marketing"), False: _("refused marketing")}.get(
            consent, _("marketing consent unknown")),
    ]


def render_view(console: Console, view: dict[str, Any], lang: str, dates: str) -> None:
    show = Shown(lang, dates)
    _ = show._
    console.print(Panel("\n".join(_profile(view["profile"], show)), title=_("customer 360"),
                        expand=False))
    if view["policies"]:
        table = Table(_("policy"), _("line"), _("status"), _("effective"), _("expiry"),
                      _("premium"), _("plate"), _("renewed"), title=_("policies"))
        for pol in view["policies"]:
            table.add_row(*(show(code_type, pol.get(key)) for key, code_type in (
                ("policy_no", "policy_no"), ("product_line", "product_line"),
                ("status", "policy_status"), ("effective_date", "effective_date"),
                ("expiry_date", "expiry_date"), ("premium", "premium"),
                ("vehicle_plate", "vehicle_plate"))), _("yes") if pol.get("is_renewed") else "")
        console.print(table)
    if view["events"]:
        table = Table(_("when"), _("contact"), _("channel"), _("outcome"), _("reference"),
                      title=_("recent contacts"))
        for ev in view["events"]:
            # a claim's outcome is its claim status; a contact's, a contact outcome
            outcome = "claim_status" if ev.get("event_type") == "CLAIM" else "outcome"
            table.add_row(*(show(code_type, ev.get(key)) for key, code_type in (
                ("occurred_at", "occurred_at"), ("event_type", "event_type"),
                ("channel", "channel"), ("outcome", outcome), ("event_key", "event_key"))))
        console.print(table)
