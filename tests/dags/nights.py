"""What the Airflow night tests share: the sample's business day, the marts they compare,
and the settings of a night whose files stay in one folder."""

from __future__ import annotations

from pathlib import Path

from ecif.warehouse import Warehouse

DAY = "20261101"  # the sample's one business day
MARTS = ["customer", "customer_xref", "customer_contact", "customer_360",
         "customer_attribute_lineage", "policy_summary", "claim_summary", "customer_event",
         "customer_relationship", "org_group_hierarchy", "renewal_target", "telesales_prospect",
         "product_summary", "suspect_group_member", "person_suspect"]


def fetch(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def marts(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {t: sorted(fetch(warehouse, f"select * from marts.{t}"), key=repr) for t in MARTS}


def settings(folder: Path) -> dict[str, object]:
    """ECIF_* settings of a night whose files all stay in `folder`."""
    return {"warehouse": f"duckdb:///{folder / 'ecif.duckdb'}", "exports": folder / "exports",
            "reports": folder / "reports"}
