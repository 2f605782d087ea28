"""Identification answers in milliseconds without changing its answers: the Python
string functions, the shaping SQL and model conditions compiled to Python, and the
live mentions held in memory each give what DuckDB gives on the sample warehouse;
the view of the live mentions follows a rebuild; concurrent new parties get distinct
ids from the nightly run's counter."""

from __future__ import annotations

import json
import math
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import duckdb
import pytest

from ecif.identifiers import PartyInput, rid_check_char
from ecif.service import live_mentions as live_module
from ecif.service.connections import ServiceConnections
from ecif.service.identify import identify
from ecif.service.live_mentions import LiveMentionsCache
from ecif.service.mention_shape import compiled_shape, shape, shape_in_duckdb, shaped_select
from ecif.service.model_score import pair_model
from ecif.service.party_numbers import BLOCK, PartyNumbers
from ecif.service.sql_python import UnsupportedSql, compile_expression, parse
from ecif.service.string_similarity import damerau_levenshtein, jaro_winkler_similarity
from ecif.warehouse import Warehouse
from matching.mentions import COLUMNS, fetch_arrow, local_duckdb
from matching.training import MODEL_FILES
from tests.pipeline.conftest import sample  # noqa: F401  (the session fixture)


@pytest.fixture(scope="module")
def mentions(sample):  # noqa: F811
    """The sample's raw mentions (Arrow) and the same mentions shaped by DuckDB."""
    _, warehouse, _ = sample
    with warehouse.connect() as conn:
        raw = fetch_arrow(conn, f"select {', '.join(COLUMNS)}, party_id "
                                 "from intermediate.int_mention_party", COLUMNS)
    local = local_duckdb()
    local.register("raw_mentions", raw)
    shaped = local.sql(shaped_select(", raw.mention_id")).to_arrow_table().to_pylist()
    local.close()
    return raw, shaped


def test_string_similarity_is_duckdbs():
    rnd = random.Random(7)
    alphabet = "abcdXY张伟炜·"
    pairs = [("".join(rnd.choices(alphabet, k=rnd.randint(0, 9))),
              "".join(rnd.choices(alphabet, k=rnd.randint(0, 9)))) for _ in range(3000)]
    pairs += [("abc", "ca"), ("MARTHA", "MARHTA"), ("DIXON", "DICKSONX"), ("", "")]
    local = duckdb.connect()
    local.execute("create table p (a varchar, b varchar)")
    local.executemany("insert into p values (?, ?)", pairs)
    for a, b, distance, similarity in local.execute(
            "select a, b, damerau_levenshtein(a, b), jaro_winkler_similarity(a, b) from p"
    ).fetchall():
        assert damerau_levenshtein(a, b) == distance, (a, b)
        assert jaro_winkler_similarity(a, b) == similarity, (a, b)


def test_shaping_in_python_is_the_nightly_shaping(mentions):
    raw, shaped = mentions
    assert compiled_shape() is not None, "the shaping SQL no longer compiles to Python"
    by_mention = {row.pop("mention_id"): row for row in shaped}
    for row in raw.to_pylist():
        expected = by_mention[row["mention_id"]]
        del expected["party_id"]
        assert shape(row, raw.schema) == expected, row["mention_id"]


@pytest.mark.parametrize("changes", [
    {"id_type": "HHR", "id_no": "11010519491231002X"},          # a resident ID filed as HHR
    {"id_type": "RID", "id_no": "110105194912310021", "id_valid": False, "id_problem": "INVALID"},
    {"name_std": "XIAOMING ZHANG", "pinyin_key": None},          # pinyin, surname last
    {"party_type": "O", "name_std": "华夏(北京)股份有限公司", "id_type": "USCC",
     "id_no": "91110000MA01ABCD2X"},
    {"birth_date": None, "id_birth_date": date(1990, 1, 2), "birth_year": None},
])
def test_an_incoming_record_is_shaped_as_duckdb_shapes_it(mentions, changes):
    raw, _ = mentions
    record = dict.fromkeys(raw.schema.names)
    record.update(mention_id="~input", party_type="P", name_std="张伟", id_type="RID",
                  id_no="110105194912310021", id_valid=True, id_informative=True,
                  id_problem=None, gender="U", mobile="13900001111", mobile_valid=True,
                  mobile_informative=True, phone_problem="EMPTY")
    record.update(changes)
    assert shape(record, raw.schema) == shape_in_duckdb(record, raw.schema)


def reference_sql(path) -> tuple[str, str]:
    """The model as SQL for DuckDB: the weight (prior + one CASE per comparison) and
    the reason (the labels of the levels met) over `_l`/`_r` columns."""
    settings = json.loads(path.read_text(encoding="utf-8"))
    prior = settings["probability_two_random_records_match"]
    weights, reasons = [f"cast({math.log2(prior / (1 - prior))!r} as double)"], []
    for comparison in settings["comparisons"]:
        name, cases, labels = comparison["output_column_name"], [], []
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = 0.0 if level.get("is_null_level") or not (m and u) else math.log2(m / u)
            label = ("null" if level.get("is_null_level") else
                     "'" + f"{name}: {level['label_for_charts']}".replace("'", "''") + "'")
            when = ("else" if level["sql_condition"] == "ELSE"
                    else f"when {level['sql_condition']} then")
            cases.append(f"{when} cast({weight!r} as double)")
            labels.append(f"{when} {label}")
        if not cases[-1].startswith("else"):
            cases.append("else 0.0")
            labels.append(f"else '{name}: other'")
        weights.append(f"(case {' '.join(cases)} end)")
        reasons.append(f"(case {' '.join(labels)} end)")
    return " + ".join(weights), f"concat_ws('; ', {', '.join(reasons)})"


@pytest.mark.parametrize("party_type", ["P", "O"])
def test_model_levels_in_python_are_duckdbs(mentions, party_type):
    _, shaped = mentions
    rows = [r for r in shaped if r["party_type"] == party_type]
    rnd = random.Random(3)
    # pairs that share a name, mobile or ID (where the levels differ) and random ones
    pairs = [(a, b) for a in rows for b in rows if a is not b and (
        a["name_std"] == b["name_std"] or (a["mobile"] and a["mobile"] == b["mobile"])
        or (a["id_cmp"] and a["id_cmp"] == b["id_cmp"]))]
    pairs += [tuple(rnd.sample(rows, 2)) for _ in range(1000)]
    columns = sorted(k for k in rows[0] if k not in ("mention_id", "party_id"))
    local = duckdb.connect()
    local.execute("create table pairs as select " + ", ".join(
        f"cast(null as {t}) as {c}_{side}" for c, t in _types(rows, columns)
        for side in ("l", "r")) + " limit 0")
    local.executemany(
        f"insert into pairs values ({', '.join('?' * (2 * len(columns)))})",
        [[v for c in columns for v in (a[c], b[c])] for a, b in pairs])
    weight, reason = reference_sql(MODEL_FILES[party_type])
    expected = local.execute(f"select {weight}, {reason} from pairs").fetchall()
    model = pair_model(MODEL_FILES[party_type])
    for (a, b), (duck_weight, duck_reason) in zip(pairs, expected, strict=True):
        python_weight, python_reason = model.score(a, b)
        assert python_weight == pytest.approx(duck_weight, abs=1e-9)
        assert python_reason == duck_reason


def _types(rows, columns):
    kinds = {bool: "boolean", int: "integer", date: "date", str: "varchar"}
    for column in columns:
        value = next((r[column] for r in rows if r[column] is not None), "")
        yield column, kinds[type(value)]


def test_sql_the_compiler_does_not_know_is_refused():
    with pytest.raises(UnsupportedSql, match="(?i)soundex"):
        compile_expression(parse("soundex(name_l) = soundex(name_r)"), lambda name: None)


def test_live_mentions_find_what_the_warehouse_finds(sample):  # noqa: F811
    _, warehouse, _ = sample
    with warehouse.connect() as conn:
        live = LiveMentionsCache().current(conn)
        keys = conn.fetchall("select party_type, id_type, id_no, mobile, name_std, "
                             "coalesce(pinyin_key, name_std) "
                             "from intermediate.int_mention_party where id_informative "
                             "and mobile_valid and mobile_informative "
                             "order by mention_id limit 40")
        id_key = "party_type || ':' || id_type || ':' || id_no"
        for party_type, id_type, id_no, mobile, name_std, reading in keys:
            name_part = f":{reading}" if party_type == "P" else ""
            for key, value, where in (
                    ("id_no", id_no, "id_no = ?"),
                    ("mobile", mobile, "mobile = ? and mobile_valid and mobile_informative"),
                    ("name_std", name_std, "name_std = ?"),
                    ("id_key", f"{party_type}:{id_type}:{id_no}",
                     f"id_informative and {id_key} = ?"),
                    ("strong_key", f"{party_type}:{id_type}:{id_no}{name_part}",
                     f"id_informative and {id_key} || case when party_type = 'P' "
                     "then ':' || coalesce(pinyin_key, name_std) else '' end = ?")):
                expected = conn.fetchall(
                    "select party_id from intermediate.int_mention_party "
                    f"where party_type = ? and {where} order by mention_id", [party_type, value])
                found = [m["party_id"] for m in live.rows(live.find(key, value, party_type))]
                assert found == [r[0] for r in expected], (key, value)


@pytest.fixture
def private_copy(sample, tmp_path) -> Warehouse:  # noqa: F811
    _, shared, _ = sample
    with shared.connect() as conn:
        conn.execute("checkpoint")
    shutil.copy(shared.duckdb_path, tmp_path / "private.duckdb")
    return Warehouse(f"duckdb:///{tmp_path / 'private.duckdb'}")


def test_live_mentions_are_read_again_after_a_rebuild(private_copy, monkeypatch):
    monkeypatch.setattr(live_module, "FRESHNESS", 0.0)
    cache = LiveMentionsCache()
    connections = ServiceConnections(private_copy)
    try:
        with connections.connect() as conn:
            mobile = conn.scalar("select min(mobile) from serving.mention_party "
                                 "where party_type = 'P' and mobile_valid and mobile_informative")
            assert len(cache.current(conn).find("mobile", mobile, "P"))
            # what a build of the marts does: the table is replaced (here without that mobile)
            conn.execute("create or replace table serving.mention_party as "
                         "select * from serving.mention_party where mobile <> ?", [mobile])
            assert not len(cache.current(conn).find("mobile", mobile, "P"))
    finally:
        connections.close()


def test_concurrent_new_parties_get_distinct_ids_from_the_nightly_counter(private_copy):
    connections = ServiceConnections(private_copy)
    cache, numbers = LiveMentionsCache(), PartyNumbers()
    try:
        with connections.connect() as conn:
            first = conn.scalar("select next_number from matching.party_id_sequence")

        def new_person(i: int) -> str:
            first17 = f"11010519700101{i:03d}"
            attrs = PartyInput("P", f"甄{'一二三四五六七八九十'[i % 10]}{i}", "RID",
                               first17 + rid_check_char(first17), f"1990000{i:04d}")
            with connections.connect() as conn:
                found = identify(conn, attrs, cache.current(conn), numbers)
            assert found.outcome == "NEW"
            return found.party_id

        with ThreadPoolExecutor(6) as pool:
            ids = list(pool.map(new_person, range(24)))
        assert len(set(ids)) == 24
        assert sorted(int(p[1:]) for p in ids) == list(range(first, first + 24))
        with connections.connect() as conn:
            recorded = {r[0] for r in conn.fetchall(
                "select party_id from matching.party_mention where run_id = 'identify'")}
            # the nightly run carries on after the block the service took
            assert conn.scalar("select next_number from matching.party_id_sequence") == (
                first + BLOCK)
            # each announced once, in a seq without gaps (the writers took turns)
            told = conn.fetchall("select seq, party_id from events.customer_change "
                                 "where run_id = 'identify' order by seq")
            seqs = [r[0] for r in conn.fetchall("select seq from events.customer_change "
                                                "order by seq")]
        assert recorded == set(ids)
        assert sorted(p for _, p in told) == sorted(ids)
        assert seqs == list(range(1, len(seqs) + 1))
    finally:
        connections.close()
