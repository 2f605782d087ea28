"""PostgreSQL runs ecif's queries without JIT: compiling the long expressions of the
standardization took minutes where running the query takes a second
(macros/planner_statistics.sql)."""

from __future__ import annotations

import json

from ecif.dbt_runner import MANIFEST


def test_every_model_seed_and_snapshot_turns_jit_off_first():
    nodes = [node for node in json.loads(MANIFEST.read_text())["nodes"].values()
             if node["resource_type"] in ("model", "seed", "snapshot")]
    assert len(nodes) > 50
    assert [node["name"] for node in nodes if not any(
        "planner_settings()" in hook["sql"] for hook in node["config"]["pre-hook"])] == []


def test_ecif_connections_to_postgres_run_without_jit(pg_warehouse):
    with pg_warehouse.connect() as conn:
        assert conn.scalar("show jit") == "off"
