"""Follow generated customers through a DELTA mobile change: the golden record takes
the new mobile, and the history still answers the old one for the old date."""

import csv
import datetime as dt

from typer.testing import CliRunner

from ecif.cli import app
from ecif.generate.extracts import generate_extracts
from ecif.warehouse import Warehouse

runner = CliRunner()


def mobiles(warehouse: Warehouse) -> dict[str, str]:
    with warehouse.connect() as conn:
        return dict(conn.fetchall("select party_id, mobile from marts.customer"))


def test_a_changed_mobile_is_current_and_the_old_one_is_history(tmp_path):
    extracts = tmp_path / "extracts"
    generate_extracts(extracts, persons=400, orgs=20, days=3, seed=8)
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}")
    run = ["run", "--extracts", str(extracts), "--warehouse", warehouse.url]
    assert runner.invoke(app, [*run, "--through", "20261101"]).exit_code == 0
    before = mobiles(warehouse)
    assert runner.invoke(app, run).exit_code == 0
    after = mobiles(warehouse)

    with (extracts / "ground_truth" / "mentions.csv").open(encoding="utf-8") as fh:
        changed_keys = [r["source_key"] for r in csv.DictReader(fh)
                        if r["source_system"] == "core" and "changed_mobile" in r["dirt"]]
    assert changed_keys, "the generator's default dirt changes some mobiles"
    with warehouse.connect() as conn:
        parties = {key: conn.scalar("select party_id from marts.customer_xref where "
                                    "source_system = 'core' and source_key = ?", [key])
                   for key in changed_keys}
        latest = {key: conn.scalar(
            "select mobile from staging.stg_core__customer where cust_no = ?", [key])
            for key in changed_keys}
        followed = [key for key, party in parties.items()
                    if before.get(party) and after.get(party) != before.get(party)]
        assert followed, "some changed mobile reaches a golden record"
        for key in followed:
            party = parties[key]
            assert after[party] == latest[key]

            def mobile_on(day: dt.date, party: str = party) -> str:
                return conn.scalar(
                    "select mobile from snapshots.customer_contact_history "
                    "where party_id = ? and dbt_valid_from <= ? "
                    "and (dbt_valid_to > ? or dbt_valid_to is null)", [party, day, day])

            assert mobile_on(dt.date(2026, 11, 1)) == before[party]
            assert mobile_on(dt.date(2026, 11, 3)) == after[party]
