"""Marketing lists out of the warehouse: CSV or XLSX by the file's extension, with the
columns the role may see (reference_data/seeds/role_permission.csv): personal data
masked unless a user whose role may see it asks otherwise; an agent or telesales seat
gets only the customers it owns. The XLSX is for people on a Chinese Windows desk:
Chinese headers (English on request) and names instead of codes; the CSV is for systems
and keeps the column names and codes (with a BOM, so Excel still reads it as UTF-8)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ecif.audit import record_personal_data_access
from ecif.masking import check_unmasked, view_of
from ecif.prospect_filters import ProspectFilters
from ecif.service.accounts import SCOPED_ROLES, User
from ecif.service.scoping import owned_parties
from ecif.translation import CODE_COLUMNS, LANGUAGES, code_label, column_label, labelled_code_types
from ecif.warehouse import Warehouse


@dataclass(frozen=True)
class MarketingList:
    table: str
    order_by: str
    party_column: str          # whose customer a row is (row scoping)


LISTS = {
    "renewal-targets": MarketingList("marts.renewal_target", "expiry_date, policy_no",
                                     "holder_party_id"),
    "telesales-prospects": MarketingList("marts.telesales_prospect",
                                         "prospect_type, party_id, suggested_product_line",
                                         "party_id"),
}
WRITERS = {".csv", ".xlsx"}


class ExportError(ValueError):
    """An export that cannot be written as asked."""


def read_list(warehouse: Warehouse, name: str, *, within_days: int | None = None,
              prospects: ProspectFilters | None = None, unmasked: bool = False, role: str,
              user: User | None = None, audit_what: str = "") -> pd.DataFrame:
    """The list's rows as `role` may see them. `user` (logged in) scopes the rows of a
    seat or agent and is named in the audit of an unmasked read (of `audit_what`)."""
    if unmasked:
        check_unmasked(role)
    spec = LISTS[name]
    conditions, params = [], []
    if within_days is not None:
        conditions, params = ["days_to_expiry <= ?"], [within_days]
    if prospects is not None:
        more, values = prospects.conditions()
        conditions += more
        params += values
    if user is not None and user.role in SCOPED_ROLES:
        conditions.append(f"{spec.party_column} in ({owned_parties(user.role)})")
        params.append(user.owner_code)
    where = "where " + " and ".join(conditions) if conditions else ""
    with warehouse.connect() as conn:
        if not conn.table_exists(*spec.table.split(".")):
            raise ExportError(f"{spec.table} does not exist yet: run `ecif run` first")
        cursor = conn.execute(f"select * from {spec.table} {where} order by {spec.order_by}",
                              params)
        frame = pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])
        if unmasked:
            record_personal_data_access(conn, role, f"export {name}",
                                        f"{user.name if user else role}: {audit_what}",
                                        len(frame))
    columns = view_of(role, frame.columns, unmasked=unmasked)
    frame = frame[list(columns)].copy()
    for column, mask in columns.items():
        if mask is not None:
            frame[column] = frame[column].map(mask, na_action="ignore")
    return frame


def export_list(warehouse: Warehouse, name: str, out: Path, *, within_days: int | None = None,
                prospects: ProspectFilters | None = None, unmasked: bool = False, role: str,
                user: User | None = None, headers: str = "zh") -> int:
    """Write the list to `out`; returns the number of rows written (see read_list).
    `headers` (zh, en) is the language of an XLSX's headers and names."""
    if out.suffix.lower() not in WRITERS:
        raise ExportError(f"{out}: write .csv or .xlsx")
    if headers not in LANGUAGES:
        raise ExportError(f"--headers {headers}: choose {' or '.join(LANGUAGES)}")
    frame = read_list(warehouse, name, within_days=within_days, prospects=prospects,
                      unmasked=unmasked, role=role, user=user, audit_what=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        # with a byte-order mark, Excel opens the Chinese text correctly
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        _for_people(frame, headers).to_excel(out, index=False, sheet_name=name)
    return len(frame)


def _for_people(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Names for the codes a person reads (机动车辆险, not AUTO) and headers in `lang`."""
    labelled = frame.copy()
    code_types = labelled_code_types()
    for column in labelled.columns:
        code_type = CODE_COLUMNS.get(column, column)
        if code_type in code_types:
            labelled[column] = labelled[column].map(
                lambda code, code_type=code_type: code_label(code_type, code, lang),
                na_action="ignore")
    return labelled.rename(columns=lambda column: column_label(column, lang))
