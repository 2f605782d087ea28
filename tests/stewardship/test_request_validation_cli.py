"""`ecif steward` checks a request's values with the staging rules when it is made:
a one-line error naming the field (and for a file its name and row), exit code 1,
and no request queued."""

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.stewardship import service

runner = CliRunner()
PASSWORD = "correct horse battery"


@pytest.fixture
def warehouse(duckdb_warehouse, tmp_path, monkeypatch):
    """A warehouse with a steward logged in on the command line (a token file of its own)."""
    monkeypatch.setenv("ECIF_TOKEN_FILE", str(tmp_path / "config" / "tokens.json"))
    service.user_add(duckdb_warehouse, "root", "admin", PASSWORD, None)
    service.user_add(duckdb_warehouse, "stew", "steward", PASSWORD, "root")
    logged_in = runner.invoke(app, ["login", "--user", "stew", "--password-stdin",
                                    "--warehouse", duckdb_warehouse.url], input=PASSWORD + "\n")
    assert logged_in.exit_code == 0, logged_in.output
    return duckdb_warehouse


def steward(warehouse, *args: str):
    return runner.invoke(app, ["steward", *args, "--reason", "checked",
                               "--warehouse", warehouse.url])


def queued(warehouse) -> int:
    with warehouse.connect() as conn:
        return conn.scalar("select count(*) from stewardship.request")


def one_line_error(result, *parts: str) -> bool:
    lines = result.output.strip().splitlines()
    return (result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error:")
            and all(p in lines[0] for p in parts))


@pytest.mark.parametrize(("args", "parts"), [
    (["modify", "P0000000001", "--attribute", "mobile", "--value", "123"],
     ["field value: BAD_FORMAT"]),
    (["modify", "P0000000001", "--attribute", "shoe_size", "--value", "42"],
     ["field attribute: UNKNOWN"]),
    (["modify", "P0000000001", "--attribute", "birth_date", "--value", "2026-11-03"],
     ["field value: BAD_DATE", "YYYYMMDD"]),
    (["modify", "P0000000001", "--attribute", "occupation", "--value", "教师"],
     ["field value: BAD_FORMAT"]),
    (["modify", "P0000000001", "--attribute", "industry", "--value", "F51"],
     ["field attribute: ORGANIZATIONS_ONLY"]),
    (["modify", "O0000000001", "--attribute", "occupation", "--value", "0101002"],
     ["field attribute: PERSONS_ONLY"]),
    (["modify", "O0000000001", "--attribute", "legal_rep", "--value", "1234"],
     ["field value: BAD_CHARACTER"]),
    (["modify", "P0000000001", "--attribute", "address", "--value", "北京市"],
     ["field value: BAD_FORMAT", "province|city|district|address"]),
    (["create", "--name", "孙丽", "--id-type", "RID", "--id-no", "110101198001010011"],
     ["field id_no: BAD_CHECK"]),
    (["create", "--name", "孙丽", "--id-type", "RID", "--id-no", "&&&"],
     ["field id_no: PLACEHOLDER"]),
    (["create", "--name", "x" * 5000, "--mobile", "13911110008"], ["field name: TOO_LONG"]),
    (["create", "--name", "孙丽"], ["field id_no: NOT_ADMISSIBLE"]),
])
def test_bad_values_are_refused_in_one_line(warehouse, args, parts):
    result = steward(warehouse, *args)
    assert one_line_error(result, *parts), result.output
    assert queued(warehouse) == 0


def test_an_enhancement_file_is_checked_row_by_row(warehouse, tmp_path):
    file = tmp_path / "revisits.csv"
    file.write_text("party_id,attribute,value,confirmed_on\n"
                    "P0000000001,email,sun.li@example.com,20261103\n"
                    "P0000000001,email,sun.li@example.com,2026-11-03\n", encoding="utf-8")
    result = steward(warehouse, "enhance", str(file))
    assert one_line_error(result, "revisits.csv: row 3: field confirmed_on: BAD_DATE")
    assert str(tmp_path) not in result.output
    file.write_text("party_id,attribute,value\nP0000000001,mobile,1391111000\n",
                    encoding="utf-8")
    assert one_line_error(steward(warehouse, "enhance", str(file)),
                          "revisits.csv: row 2: field value: BAD_FORMAT")
    assert queued(warehouse) == 0
