"""`ecif docs` on the sample's warehouse: dbt's documentation site in one HTML file in
the warehouse's reports folder, with the warehouse's real catalog, that opens offline;
and the models' yml lists every column the marts and reports really have."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.dbt_runner import artifacts_dir
from ecif.report_folders import reports_root
from tests.dbt.test_column_docs import documented_models


@pytest.fixture(scope="module")
def docs(sample):
    _, warehouse, _ = sample
    result = CliRunner().invoke(app, ["docs", "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    target = artifacts_dir(warehouse) / "target"
    return (warehouse, result.output, (target / "catalog.json").read_text(encoding="utf-8"),
            json.loads((target / "manifest.json").read_text(encoding="utf-8")))


def test_the_site_is_one_page_in_the_warehouses_reports_folder(docs):
    warehouse, output, catalog, manifest = docs
    index = reports_root(warehouse) / "dbt_docs" / "index.html"
    assert output.splitlines() == [f"wrote dbt's documentation site (open {index})"]
    page = index.read_text(encoding="utf-8")
    # the catalog dbt read from the warehouse, inline (a page from a file fetches nothing)
    customer = json.loads(catalog)["nodes"]["model.ecif.customer"]
    assert customer["metadata"]["schema"] == "marts" and "id_status" in customer["columns"]
    assert catalog in page
    assert "MANIFEST.JSON INLINE DATA" not in page
    # dbt docs' page loads its tracker only when the manifest allows it
    assert manifest["metadata"]["send_anonymous_usage_stats"] is False


def test_the_yml_lists_every_column_the_warehouse_has(docs):
    models = documented_models()
    built = {node["metadata"]["name"]: {c.lower() for c in node["columns"]}
             for uid, node in json.loads(docs[2])["nodes"].items() if uid.startswith("model.")}
    assert {name: sorted(built[name] - set(node["columns"])) for name, node in models.items()
            if built[name] - set(node["columns"])} == {}
    assert {name: sorted(set(node["columns"]) - built[name]) for name, node in models.items()
            if set(node["columns"]) - built[name]} == {}


def test_the_page_opens_offline_and_shows_a_models_columns(docs, browser):
    warehouse, *_ = docs
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((reports_root(warehouse) / "dbt_docs" / "index.html").as_uri()
              + "#!/model/model.ecif.customer")
    page.get_by_text("id_status").first.wait_for()
    page.close()
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
