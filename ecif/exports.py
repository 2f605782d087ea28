"""Marketing lists out of the warehouse: CSV or XLSX by the file's extension, with the
columns the role may see (reference_data/seeds/role_permission.csv): personal data
masked unless a role that may see it asks otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ecif.audit import record_personal_data_access
from ecif.masking import check_unmasked, view_of
from ecif.warehouse import Warehouse


@dataclass(frozen=True)
class MarketingList:
    table: str
    order_by: str


LISTS = {
    "renewal-targets": MarketingList("marts.renewal_target", "expiry_date, policy_no"),
    "telesales-prospects": MarketingList("marts.telesales_prospect",
                                         "prospect_type, party_id, suggested_product_line"),
}
WRITERS = {".csv", ".xlsx"}


class ExportError(ValueError):
    """An export that cannot be written as asked."""


def export_list(warehouse: Warehouse, name: str, out: Path, *, within_days: int | None = None,
                unmasked: bool = False, role: str) -> int:
    """Write the list to `out`; returns the number of rows written."""
    if out.suffix.lower() not in WRITERS:
        raise ExportError(f"{out}: write .csv or .xlsx")
    if unmasked:
        check_unmasked(role)
    spec = LISTS[name]
    where, params = ("where days_to_expiry <= ?", [within_days]) if within_days is not None \
        else ("", [])
    with warehouse.connect() as conn:
        if not conn.table_exists(*spec.table.split(".")):
            raise ExportError(f"{spec.table} does not exist yet: run `ecif run` first")
        cursor = conn.execute(f"select * from {spec.table} {where} order by {spec.order_by}",
                              params)
        frame = pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])
        if unmasked:
            record_personal_data_access(conn, role, f"export {name}", str(out), len(frame))
    columns = view_of(role, frame.columns, unmasked=unmasked)
    frame = frame[list(columns)].copy()
    for column, mask in columns.items():
        if mask is not None:
            frame[column] = frame[column].map(mask, na_action="ignore")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        # with a byte-order mark, Excel opens the Chinese text correctly
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(out, index=False, sheet_name=name)
    return len(frame)
