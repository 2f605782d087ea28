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
                    "--out", str(out))
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
    result = invoke(warehouse, "lookup", "--phone", spoken)
    assert result.exit_code == 0, result.output
    assert party in result.output and name in result.output
    assert mobile not in result.output and mask_mobile(mobile) in result.output


def test_lookup_by_a_legacy_15_digit_id(sample):
    _, warehouse, _ = sample
    party, id_no = fetch(warehouse, "select party_id, id_no from marts.customer where "
                                    "id_type = 'RID' and substr(id_no, 7, 2) = '19' "
                                    "order by party_id limit 1")[0]
    legacy = id_no[:6] + id_no[8:17]
    result = invoke(warehouse, "lookup", "--id-no", legacy)
    assert result.exit_code == 0, result.output
    assert party in result.output and mask_id(id_no) in result.output


@pytest.mark.parametrize("args, message", [
    (["lookup", "--phone", "13000000001"], "no customer found for that phone number"),
    (["lookup"], "exactly one of"),
    (["export", "renewal-targets", "--out", "list.pdf"], "write .csv or .xlsx"),
])
def test_lookup_and_export_errors_are_one_line(sample, args, message):
    _, warehouse, _ = sample
    result = invoke(warehouse, *args)
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
