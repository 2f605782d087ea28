"""`ecif quarantine list` and `release` on the command line: the release is a request
of the logged-in steward, pending another user's approval; a date with nothing held is
a one-line error and queues nothing."""

from typer.testing import CliRunner

from ecif.cli import app
from ecif.landing.loader import land
from ecif.stewardship import service
from tests.landing.landing_files import customer, deliver
from tests.stewardship.test_request_validation_cli import one_line_error, queued
from tests.stewardship.test_request_validation_cli import warehouse as warehouse  # noqa: F401

runner = CliRunner()
D1 = "20240301"


def quarantine(target, *args: str):
    return runner.invoke(app, ["quarantine", *args, "--warehouse", target.url])


def test_held_batches_are_listed_and_a_release_is_a_pending_request(
        warehouse, tmp_path):   # noqa: F811
    deliver(tmp_path / "extracts", "core", "customer", D1, [customer("C1")],
            extract_type="FULL")
    land(warehouse, tmp_path / "extracts")
    assert quarantine(warehouse, "list").output.splitlines() == ["0 batch(es) quarantined"]
    with warehouse.connect() as conn:
        conn.execute("update raw.landing_batch set status = 'QUARANTINED'")
    listed = quarantine(warehouse, "list")
    assert listed.output.splitlines() == [
        f"core  {D1}  customer  core__customer__{D1}", "1 batch(es) quarantined"]

    refused = quarantine(warehouse, "release", "core", "20240302", "--reason", "checked")
    assert one_line_error(refused, "no batch of core 20240302 is quarantined")
    assert queued(warehouse) == 0
    asked = quarantine(warehouse, "release", "core", D1, "--reason", "IDs follow")
    assert asked.exit_code == 0 and asked.output.strip() == "request 1 is pending approval"
    with warehouse.connect() as conn:
        request = service.requests.get(conn, 1)
    assert (request.kind, request.payload, request.requested_by) == (
        "RELEASE", {"system": "core", "business_date": D1}, "stew")
