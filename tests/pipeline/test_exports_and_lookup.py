"""Marketing exports and the caller lookup on the generated sample."""

import csv
import shutil

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecif import cli
from ecif.cli import app
from ecif.masking import mask_id, mask_mobile
from ecif.stewardship import service
from ecif.translation import code_label, column_label, format_date, gettext
from ecif.warehouse import Warehouse

runner = CliRunner()
PASSWORD = "correct horse battery"


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def invoke(warehouse, *args):
    return runner.invoke(app, [*args, "--warehouse", warehouse.url])


def test_renewal_export_respects_the_window_and_masks(private, tmp_path):
    warehouse, _ = private
    out = tmp_path / "renewals.csv"
    assert log_in(warehouse, "stew").exit_code == 0
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


@pytest.fixture
def private(sample, tmp_path, monkeypatch):
    """A copy of the sample with users (the shared one stays without), and a token file
    of this test's own."""
    _, shared, _ = sample
    with shared.connect() as conn:
        conn.execute("checkpoint")
    copy = Warehouse(f"duckdb:///{tmp_path / 'private.duckdb'}")
    shutil.copy(shared.duckdb_path, copy.duckdb_path)
    seat = fetch(copy, "select assigned_seat from marts.telesales_prospect "
                       "where assigned_seat is not null order by party_id limit 1")[0][0]
    service.user_add(copy, "root", "admin", PASSWORD, None)
    service.user_add(copy, "ana", "analyst", PASSWORD, "root")
    service.user_add(copy, "stew", "steward", PASSWORD, "root")
    service.user_add(copy, "mark", "marketing", PASSWORD, "root")
    service.user_add(copy, "seat", "telesales", PASSWORD, "root", seat)
    monkeypatch.setenv("ECIF_TOKEN_FILE", str(tmp_path / "config" / "tokens.json"))
    return copy, seat


def log_in(warehouse, user, password=PASSWORD):
    return runner.invoke(app, ["login", "--user", user, "--password-stdin", "--warehouse",
                               warehouse.url], input=password + "\n")


def test_unmasked_needs_a_login_whose_role_may_see_personal_data_and_is_audited(private,
                                                                               tmp_path):
    warehouse, _ = private
    out = tmp_path / "prospects.xlsx"
    unmasked = ["export", "telesales-prospects", "--out", str(out), "--unmasked"]
    # naming a user, or a role, proves nothing
    anyone = runner.invoke(app, [*unmasked, "--warehouse", warehouse.url],
                           env={"ECIF_USER": "root", "ECIF_ROLE": "admin"})
    assert anyone.exit_code == 1 and "run `ecif login` first" in anyone.output
    assert invoke(warehouse, *unmasked, "--role", "admin").exit_code == 2   # no such option
    assert log_in(warehouse, "ana", "wrong password!").exit_code == 1
    assert log_in(warehouse, "ana").exit_code == 0
    token_file = tmp_path / "config" / "tokens.json"
    assert token_file.stat().st_mode & 0o777 == 0o600
    refused = invoke(warehouse, *unmasked)
    assert refused.exit_code == 1 and "--unmasked needs" in refused.output
    assert not out.exists()
    assert log_in(warehouse, "root").exit_code == 0
    allowed = invoke(warehouse, *unmasked)
    assert allowed.exit_code == 0, allowed.output
    sheet = pd.read_excel(out, dtype=str)
    mobile = column_label("mobile", "zh")          # the XLSX has Chinese headers
    assert len(sheet) > 0 and sheet[mobile].str.fullmatch(r"1\d{10}").all()
    assert ("admin", "export telesales-prospects", f"root: {out}") in fetch(
        warehouse, "select role, command, detail from audit.personal_data_access")
    assert invoke(warehouse, "logout").exit_code == 0
    after = invoke(warehouse, *unmasked)
    assert after.exit_code == 1 and "run `ecif login` first" in after.output


def test_xlsx_has_chinese_headers_and_names_english_on_request_csv_keeps_codes(private,
                                                                              tmp_path):
    warehouse, _ = private
    assert log_in(warehouse, "mark").exit_code == 0
    files = {"csv": tmp_path / "list.csv", "zh": tmp_path / "list.xlsx",
             "en": tmp_path / "list-en.xlsx"}
    for kind, out in files.items():
        headers = ["--headers", "en"] if kind == "en" else []
        result = invoke(warehouse, "export", "renewal-targets", "--within-days", "3650",
                        "--out", str(out), *headers)
        assert result.exit_code == 0, result.output
    with files["csv"].open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))               # for systems: names and codes
    assert rows and files["csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert {r["product_line"] for r in rows} <= {"AUTO", "PROPERTY", "LIABILITY", "CARGO",
                                                  "HEALTH", "ACCIDENT"}
    for lang in ("zh", "en"):
        sheet = openpyxl.load_workbook(files[lang], read_only=True).active
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert table[0] == [column_label(c, lang) for c in rows[0]], lang
        assert len(table) - 1 == len(rows)
        line = table[0].index(column_label("product_line", lang))
        assert [r[line] for r in table[1:]] == [code_label("product_line", r["product_line"],
                                                           lang) for r in rows]
        if lang == "zh":                               # the names a Chinese reader expects
            assert "险种" in table[0] and "product_line" not in table[0]
            assert {"机动车辆险", "企业财产险"} & {r[line] for r in table[1:]}


def test_a_seats_export_holds_only_its_customers(private, tmp_path):
    warehouse, seat = private
    out = tmp_path / "mine.csv"
    assert log_in(warehouse, "seat").exit_code == 0
    result = invoke(warehouse, "export", "telesales-prospects", "--out", str(out), "--unmasked")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        exported = {row["party_id"] for row in csv.DictReader(fh)}
    owned = {r[0] for r in fetch(warehouse, "select party_id from intermediate.int_mention_party "
                                            "where source_system = 'telesales' "
                                            "and source_entity = 'lead' and agent_code = ?",
                                 [seat])}
    every = {r[0] for r in fetch(warehouse, "select party_id from marts.telesales_prospect")}
    assert exported and exported <= owned and exported == owned & every and every - exported


def test_steward_commands_act_as_the_logged_in_user(private):
    warehouse, _ = private
    named = runner.invoke(app, ["steward", "tasks", "--warehouse", warehouse.url],
                          env={"ECIF_USER": "root"})
    assert named.exit_code == 1 and "run `ecif login` first" in named.output
    assert log_in(warehouse, "ana").exit_code == 0
    made = invoke(warehouse, "steward", "user-add", "mkt", "--role", "marketing",
                  "--password-stdin")
    assert made.exit_code == 1 and "ana is not an admin" in made.output
    assert log_in(warehouse, "root").exit_code == 0
    made = runner.invoke(app, ["steward", "user-add", "mkt", "--role", "marketing",
                               "--password-stdin", "--warehouse", warehouse.url],
                         input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    again = runner.invoke(app, ["steward", "user-add", "mkt", "--role", "marketing",
                                "--password-stdin", "--warehouse", warehouse.url],
                          input=PASSWORD + "\n")
    assert again.exit_code == 1 and "user mkt exists" in again.output
    listed = invoke(warehouse, "steward", "user-list")
    assert "mkt" in listed.output and "marketing" in listed.output
    assert ("root", "USER_ADD", "mkt") in fetch(
        warehouse, "select actor, action, subject_user from stewardship.audit_log")


def test_lookup_by_a_caller_number_in_any_format(private):
    warehouse, _ = private
    assert log_in(warehouse, "stew").exit_code == 0
    party, mobile, name = fetch(warehouse, "select party_id, mobile, name from "
                                           "marts.customer where mobile is not null "
                                           "order by party_id limit 1")[0]
    spoken = f"+86 {mobile[:3]}-{mobile[3:7]} {mobile[7:]}"
    result = invoke(warehouse, "lookup", "--phone", spoken, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert party in result.output and name in result.output
    assert mobile not in result.output and mask_mobile(mobile) in result.output
    (tier,) = fetch(warehouse, "select service_tier from marts.customer_360 "
                               "where party_id = ?", [party])[0]
    assert f"service tier {code_label('service_tier', tier, 'en')}" in result.output


def test_lookup_speaks_chinese_by_default_with_names_not_codes(private, monkeypatch):
    warehouse, _ = private
    assert log_in(warehouse, "stew").exit_code == 0
    party, id_type, line, effective = fetch(warehouse, """
        select c.party_id, c.id_type, p.product_line, p.effective_date
        from marts.customer as c join marts.policy_summary as p on p.holder_party_id = c.party_id
        where c.id_type = 'RID' order by c.party_id, p.expiry_date desc limit 1""")[0]
    zh = gettext("zh")
    monkeypatch.setattr(cli.console, "_width", 200)    # a seat's wide terminal: no cell wraps
    result = invoke(warehouse, "lookup", "--party-id", party)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for shown in (zh("service tier"), zh("policies"), code_label("id_type", id_type, "zh"),
                  code_label("product_line", line, "zh"), format_date(effective, "zh")):
        assert shown in text, shown
    assert f" {line} " not in text and "service tier" not in text
    iso = invoke(warehouse, "lookup", "--party-id", party, "--dates", "iso")
    assert format_date(effective, "iso") in iso.output
    assert format_date(effective, "zh") not in iso.output


def test_lookup_by_a_legacy_15_digit_id(private):
    warehouse, _ = private
    assert log_in(warehouse, "stew").exit_code == 0
    party, id_no = fetch(warehouse, "select party_id, id_no from marts.customer where "
                                    "id_type = 'RID' and substr(id_no, 7, 2) = '19' "
                                    "order by party_id limit 1")[0]
    legacy = id_no[:6] + id_no[8:17]
    result = invoke(warehouse, "lookup", "--id-no", legacy)
    assert result.exit_code == 0, result.output
    assert party in result.output and mask_id(id_no) in result.output


def test_analyst_and_marketing_exports_have_no_name_plate_or_policy_number(private, tmp_path):
    warehouse, _ = private
    secrets = {v for row in fetch(warehouse, "select policy_no, vehicle_plate, holder_name, "
                                             "mobile, id_no from marts.renewal_target")
               for v in row if v}
    for role, user in (("analyst", "ana"), ("marketing", "mark")):
        out = tmp_path / f"{role}.csv"
        assert log_in(warehouse, user).exit_code == 0
        assert invoke(warehouse, "export", "renewal-targets", "--within-days", "3650",
                      "--out", str(out)).exit_code == 0
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


def test_lookup_as_analyst_shows_no_name_and_masks_contact(private):
    warehouse, _ = private
    assert log_in(warehouse, "ana").exit_code == 0
    party, name, mobile, plate = fetch(warehouse, """
        select c.party_id, c.name, c.mobile, p.vehicle_plate from marts.customer as c
        join marts.policy_summary as p on p.holder_party_id = c.party_id
        where c.mobile is not null and p.vehicle_plate is not null
        order by c.party_id limit 1""")[0]
    result = invoke(warehouse, "lookup", "--party-id", party)
    assert result.exit_code == 0, result.output
    assert party in result.output and mask_mobile(mobile) in result.output
    assert name not in result.output and plate not in result.output


@pytest.mark.parametrize("user, args, message", [
    ("stew", ["lookup", "--phone", "13000000001"], "no customer found for that phone number"),
    ("stew", ["lookup"], "exactly one of"),
    ("stew", ["lookup", "--party-id", "P0000000001", "--lang", "fr"], "--lang is one of zh, en"),
    (None, ["lookup", "--party-id", "P0000000001"], "run `ecif login` first"),
    ("ana", ["lookup", "--phone", "13000000001"], "may not search by mobile"),
    ("mark", ["export", "renewal-targets", "--out", "list.pdf"], "write .csv or .xlsx"),
    (None, ["export", "renewal-targets", "--out", "list.csv"], "run `ecif login` first"),
])
def test_lookup_and_export_errors_are_one_line(private, user, args, message):
    warehouse, _ = private
    if user:
        assert log_in(warehouse, user).exit_code == 0
    result = invoke(warehouse, *args)
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
