"""Filters of the telesales-prospects list (marts.telesales_prospect), one definition
for the CLI export and the API: region, value class, product line, renewal window,
days since last contact, assigned seat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecif.service.scoping import owned_parties


@dataclass(frozen=True)
class ProspectFilters:
    region: str | None = None               # a province or a city, as the mart names it
    value_class: str | None = None          # A, B or C
    product_line: str | None = None         # the line suggested (cross-selling)
    renewal_within_days: int | None = None  # a policy in force due for renewal in N days
    quiet_days: int | None = None           # not contacted for at least N days (or never)
    seat: str | None = None                 # customers assigned to this telesales seat

    def conditions(self) -> tuple[list[str], list[Any]]:
        """SQL conditions on marts.telesales_prospect and their parameters (each `?`
        of a condition takes the filter's value)."""
        filters = [
            (self.region, "(province = ? or city = ?)"),
            (self.value_class, "value_class = ?"),
            (self.product_line, "suggested_product_line = ?"),
            (self.renewal_within_days, "days_to_renewal between 0 and ?"),
            (self.quiet_days, "(days_since_last_contact is null or days_since_last_contact >= ?)"),
            # the seat's own customers by the same rule as a seat's row scope, so a party
            # with leads at two seats is on both lists
            (self.seat, f"party_id in ({owned_parties('telesales')})"),
        ]
        where = [sql for value, sql in filters if value is not None]
        params = [value for value, sql in filters if value is not None
                  for _ in range(sql.count("?"))]
        return where, params
