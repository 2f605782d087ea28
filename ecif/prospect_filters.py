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
        """SQL conditions on marts.telesales_prospect and their parameters."""
        where: list[str] = []
        params: list[Any] = []
        if self.region is not None:
            where.append("(province = ? or city = ?)")
            params += [self.region, self.region]
        if self.value_class is not None:
            where.append("value_class = ?")
            params.append(self.value_class)
        if self.product_line is not None:
            where.append("suggested_product_line = ?")
            params.append(self.product_line)
        if self.renewal_within_days is not None:
            where.append("days_to_renewal between 0 and ?")
            params.append(self.renewal_within_days)
        if self.quiet_days is not None:
            where.append("(days_since_last_contact is null or days_since_last_contact >= ?)")
            params.append(self.quiet_days)
        if self.seat is not None:
            # the seat's own customers by the same rule as a seat's row scope, so a
            # party with leads at two seats is on both lists
            where.append(f"party_id in ({owned_parties('telesales')})")
            params.append(self.seat)
        return where, params
