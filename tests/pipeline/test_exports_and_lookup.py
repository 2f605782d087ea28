"""Marketing exports and the caller lookup on the generated sample."""

import csv

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.masking import mask_id, mask_mobile

runner = CliRunner()


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def invoke(warehouse, *args):
    return runner.invoke(app, [*args, "--warehouse", warehouse.url])


def test_renewal_export_respects_the_window_and_masks(sample, tmp_path):
    _, warehouse, _ = sample
    out = tmp_path / "renewals.csv"
    result = invoke(warehouse, "export", "renewal-targets", "--within-days", "30",
                    "--out", str(out), "--role", "steward")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    expected = fetch(warehouse, "select policy_no, mobile from marts.renewal_target "
                                "where days_to_expiry <= 30")
    assert rows and len(rows) == len(expected)
    assert all(0 <= int(r["days_to_expiry"]) <= 30 for r in rows)
    full = dict(expected)
    for r in rows:
        assert r["mobile"] == mask_mobile(full[r["policy_no"]]) and "****" in r["mobile"]
        assert r["id_no"] == "" or "*" in r["id_no"]


def test_unmasked_needs_a_role_that_may_see_personal_data_and_is_audited(sample, tmp_path):
    _, warehouse, _ = sample
    out = tmp_path / "prospects.xlsx"
    refused = invoke(warehouse, "export", "telesales-prospects", "--out", str(out),
                     "--unmasked", "--role", "analyst")
    assert refused.exit_code == 1 and "--unmasked needs --role" in refused.output
    assert not out.exists()
    allowed = invoke(warehouse, "export", "telesales-prospects", "--out", str(out),
                     "--unmasked", "--role", "telesales")
    assert allowed.exit_code == 0, allowed.output
    sheet = pd.read_excel(out, dtype=str)
    assert len(sheet) > 0 and sheet["mobile"].str.fullmatch(r"1\d{10}").all()
    assert ("telesales", "export telesales-prospects") in fetch(
        warehouse, "select role, command from audit.personal_data_access")


def test_lookup_by_a_caller_number_in_any_format(sample):
    _, warehouse, _ = sample
    party, mobile, name = fetch(warehouse, "select party_id, mobile, name from "
                                           "marts.customer where mobile is not null "
                                           "order by party_id limit 1")[0]
    spoken = f"+86 {mobile[:3]}-{mobile[3:7]} {mobile[7:]}"
    result = invoke(warehouse, "lookup", "--phone", spoken, "--role", "steward")
    assert result.exit_code == 0, result.output
    assert party in result.output and name in result.output
    assert mobile not in result.output and mask_mobile(mobile) in result.output


def test_lookup_by_a_legacy_15_digit_id(sample):
    _, warehouse, _ = sample
    party, id_no = fetch(warehouse, "select party_id, id_no from marts.customer where "
                                    "id_type = 'RID' and substr(id_no, 7, 2) = '19' "
                                    "order by party_id limit 1")[0]
    legacy = id_no[:6] + id_no[8:17]
    result = invoke(warehouse, "lookup", "--id-no", legacy, "--role", "steward")
    assert result.exit_code == 0, result.output
    assert party in result.output and mask_id(id_no) in result.output


def test_analyst_and_marketing_exports_have_no_name_plate_or_policy_number(sample, tmp_path):
    _, warehouse, _ = sample
    secrets = {v for row in fetch(warehouse, "select policy_no, vehicle_plate, holder_name, "
                                             "mobile, id_no from marts.renewal_target")
               for v in row if v}
    for role in ("analyst", "marketing"):
        out = tmp_path / f"{role}.csv"
        assert invoke(warehouse, "export", "renewal-targets", "--within-days", "3650",
                      "--out", str(out), "--role", role).exit_code == 0
        text = out.read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(text.splitlines()))
        assert rows and {"policy_no", "vehicle_plate", "holder_party_id"} - set(rows[0]) == {
            "policy_no", "vehicle_plate"}
        assert "****" in rows[0]["mobile"]
        assert not [s for s in secrets if s in text]
    marketing = list(csv.DictReader((tmp_path / "marketing.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    assert all(r["holder_name"].endswith("*") for r in marketing if r["holder_name"])
    assert "holder_name" not in list(csv.DictReader((tmp_path / "analyst.csv").read_text(
        encoding="utf-8-sig").splitlines()))[0]


def test_lookup_as_analyst_shows_no_name_and_masks_contact(sample):
    _, warehouse, _ = sample
    party, name, mobile, plate = fetch(warehouse, """
        select c.party_id, c.name, c.mobile, p.vehicle_plate from marts.customer as c
        join marts.policy_summary as p on p.holder_party_id = c.party_id
        where c.mobile is not null and p.vehicle_plate is not null
        order by c.party_id limit 1""")[0]
    result = invoke(warehouse, "lookup", "--party-id", party, "--role", "analyst")
    assert result.exit_code == 0, result.output
    assert party in result.output and mask_mobile(mobile) in result.output
    assert name not in result.output and plate not in result.output


@pytest.mark.parametrize("args, message", [
    (["lookup", "--phone", "13000000001", "--role", "agent"],
     "no customer found for that phone number"),
    (["lookup", "--role", "agent"], "exactly one of"),
    (["lookup", "--party-id", "P0000000001"], "give --role"),
    (["lookup", "--phone", "13000000001", "--role", "analyst"], "may not search by mobile"),
    (["export", "renewal-targets", "--out", "list.pdf", "--role", "marketing"],
     "write .csv or .xlsx"),
    (["export", "renewal-targets", "--out", "list.csv"], "give --role"),
])
def test_lookup_and_export_errors_are_one_line(sample, args, message):
    _, warehouse, _ = sample
    result = invoke(warehouse, *args)
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
