"""`ecif steward` checks a request's values with the staging rules when it is made:
a one-line error naming the field (and for a file its name and row), exit code 1,
and nothing written to the warehouse."""

import pytest
from typer.testing import CliRunner

from ecif.cli import app

runner = CliRunner()


def steward(warehouse, *args: str):
    return runner.invoke(app, ["steward", *args, "--user", "stew", "--reason", "checked",
                               "--warehouse", warehouse.url])


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
    (["create", "--name", "孙丽", "--id-type", "RID", "--id-no", "110101198001010011"],
     ["field id_no: BAD_CHECK"]),
    (["create", "--name", "孙丽", "--id-type", "RID", "--id-no", "&&&"],
     ["field id_no: PLACEHOLDER"]),
    (["create", "--name", "x" * 5000, "--mobile", "13911110008"], ["field name: TOO_LONG"]),
    (["create", "--name", "孙丽"], ["field id_no: NOT_ADMISSIBLE"]),
])
def test_bad_values_are_refused_in_one_line(duckdb_warehouse, args, parts):
    result = steward(duckdb_warehouse, *args)
    assert one_line_error(result, *parts), result.output
    assert not duckdb_warehouse.duckdb_path.exists()        # nothing was written


def test_an_enhancement_file_is_checked_row_by_row(duckdb_warehouse, tmp_path):
    file = tmp_path / "revisits.csv"
    file.write_text("party_id,attribute,value,confirmed_on\n"
                    "P0000000001,email,sun.li@example.com,20261103\n"
                    "P0000000001,email,sun.li@example.com,2026-11-03\n", encoding="utf-8")
    result = steward(duckdb_warehouse, "enhance", str(file))
    assert one_line_error(result, "revisits.csv: row 3: field confirmed_on: BAD_DATE")
    assert str(tmp_path) not in result.output
    file.write_text("party_id,attribute,value\nP0000000001,mobile,1391111000\n",
                    encoding="utf-8")
    assert one_line_error(steward(duckdb_warehouse, "enhance", str(file)),
                          "revisits.csv: row 2: field value: BAD_FORMAT")
    assert not duckdb_warehouse.duckdb_path.exists()
