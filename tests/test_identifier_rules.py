"""One rule, two homes: the dbt macros (run by DuckDB, compiled by dbt over the seeded
reference data) and their Python twins for one record (ecif.identifiers; the ID and
mobile masks of ecif.masking) give the same answer for every value of one corpus:
published examples, the generator's identifiers and dirty variants of them (full-width
digits, blanks, hyphens, +86 prefixes, placeholders, bad check characters, control
characters, impossible dates, organization names in every legal form).

The rules: mobiles, resident IDs (check character, 15-digit upgrade, birth date), USCC
and organization codes, other documents, the type a household register or OTHER number
is read as, e-mail, landlines, text cleansing, person and organization names (the CJK
ranges, the legal forms, the matching name key), mention ids, masks and dates."""

from __future__ import annotations

import random
from datetime import date

import duckdb
import numpy as np
import pytest
from dbt.cli.main import dbtRunner

from ecif import identifiers as rules
from ecif.dbt_runner import DBT_PROJECT_DIR, artifacts_dir, dbt_environment, run_dbt
from ecif.generate import dirt
from ecif.generate import identifiers as generated
from ecif.masking import mask_id, mask_mobile
from ecif.warehouse import Warehouse

PUBLISHED = [
    "11010519491231002X", "110105194912310029", "11010519491231002x", "110105491231002",
    "91350100M000100Y43", "91350100M000100Y44", "M000100Y4", "D2143569-X", "D2143569X",
    "E12345678", "H1234567890", "440524188001010014", "440524188002300014",
]
HAND_MADE = [
    "", " ", "0000000", "13800138000", "13800000000", "11111111111", "12345678901",
    "+8613912345678", "008613912345678", "8613912345678", "86-139-1234-5678",
    "139 1234 5678", "１３９１２３４５６７８", "+86　139１２３4５678", "1391234567", "139123456789",
    "10012345678", "call me", "&&&", ">", "0", "\x01\x02", "\x7f", "a\tb",
    "111111111111111111", "123456789012345678", "000000000000000000", "12345678901234567X",
    "张伟", " 张 伟 ", "张　伟", "买买提•艾力", "买买提・艾力", "zhang  wei", "Zhang Wei",
    "O'Brien", "欧阳-明远", "·-'", "--", "张伟1", "张伟>", "<script>", "上海某某有限责任公司",
    "上海【某某】科技有限公司", "Acme (China) Co., Ltd.", "A&B 贸易公司", "１２３公司",
    "华诚（上海）科技股份有限公司", "某某股份公司北京分公司", "某某有限责任公司", "A(B)C有限公司",
    "㐀㐁", "龦龧", "𠀀𠀁", "张𠀀", "ＡＢＣ有限公司", "1234567", "123456789", "1234567890",
    "x" * 101, "张" * 100, "sun.li@example.com", "SUN.LI@EXAMPLE.COM ", "a@b", "a@b.c",
    "sun li@example.com", "ｓｕｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "010-12345678", "01012345678",
    "+86 21 1234 5678", "0755-1234567", "07551234567", "12345",
    "20261103", "2026-11-03", "2026113", "20261131", "20260229", "20240229", "2026/11/03",
    "2026-1-3", "19491231", "00261103", "99991231", "2026-02-29", "2024-02-29",
]


def _dirty(value: str, rng: random.Random) -> str:
    """One of the ways a value arrives spoiled."""
    change = rng.randrange(9)
    if change == 0:
        return value.translate(dirt._FULLWIDTH_TABLE)
    if change == 1:
        k = rng.randrange(len(value) + 1)
        return value[:k] + rng.choice([" ", "-", "\u3000", "\t"]) + value[k:]
    if change == 2:
        return "+86" + value
    if change == 3:
        return value[:-1] + rng.choice("0123456789X")          # another check character
    if change == 4:
        return value.lower()
    if change == 5:
        return value[:-1]
    if change == 6:
        return value + rng.choice("0X")
    if change == 7:
        k = rng.randrange(len(value))
        return value[:k] + rng.choice("A&.\x01") + value[k + 1:]
    return value[:6] + "".join(rng.choice("0123456789") for _ in range(8)) + value[14:]


def corpus() -> list[str]:
    np_rng = np.random.default_rng(7)
    n = 40
    birth = np.array([int(f"{y}{m:02d}{d:02d}") for y, m, d in zip(
        np_rng.integers(1930, 2010, n), np_rng.integers(1, 13, n), np_rng.integers(1, 29, n),
        strict=True)])
    rids = generated.resident_ids(np.full(n, "110105", dtype=object), birth,
                                  np_rng.integers(1, 999, n))
    usccs, _ = generated.usccs(np_rng, np.full(n, "350100", dtype=object))
    codes = generated.org_codes(np_rng, n)
    mobiles = generated.mobiles(np_rng, n)
    clean = [*map(str, rids), *map(str, usccs), *map(str, codes), *map(str, mobiles),
             *map(str, generated.legacy15(rids[:5]))]
    rng = random.Random(7)
    spoiled = [_dirty(v, rng) for v in clean for _ in range(3)]
    return list(dict.fromkeys(
        [*PUBLISHED, *HAND_MADE, *clean, *spoiled,
         *map(str, dirt.format_mobiles(np_rng, mobiles)), *map(str, dirt.fullwidth(rids))]))


# every answer, as a SQL expression over column `v` and a Python function of v
ANSWERS: dict[str, tuple[str, object]] = {
    "mobile": ("{{ normalize_mobile('v') }}", rules.normalize_mobile),
    "mobile_problem": ("{{ mobile_problem(normalize_mobile('v')) }}",
                       lambda v: rules.mobile_problem(rules.normalize_mobile(v))),
    **{f"{t.lower()}_no": (f"{{{{ normalize_id(\"'{t}'\", 'v') }}}}",
                           lambda v, t=t: rules.normalize_id(t, v))
       for t in ("RID", "USCC", "ORG", "PASSPORT")},
    **{f"{t.lower()}_problem": (f"{{{{ id_problem(\"'{t}'\", normalize_id(\"'{t}'\", 'v')) }}}}",
                                lambda v, t=t: rules.id_problem(t, rules.normalize_id(t, v)))
       for t in ("RID", "USCC", "ORG", "PASSPORT")},
    **{f"{t.lower()}_{p}_read_as": (
        f"{{{{ effective_id_type(\"'{p}'\", \"'{t}'\", normalize_id(\"'{t}'\", 'v')) }}}}",
        lambda v, t=t, p=p: rules.effective_id_type(p, t, rules.normalize_id(t, v)))
       for t in ("HHR", "OTHER", "PASSPORT") for p in ("P", "O")},
    "rid_birth_date": (
        "case when {{ rid_problem(normalize_rid('v')) }} is null "
        "then {{ rid_birth_date(normalize_rid('v')) }} end",
        lambda v: (rules.rid_birth_date(rules.normalize_rid(v))
                   if rules.normalize_rid(v) and rules.rid_problem(rules.normalize_rid(v)) is None
                   else None)),
    "email": ("{{ normalize_email('v') }}", rules.normalize_email),
    "email_problem": ("{{ email_problem(normalize_email('v')) }}",
                      lambda v: rules.email_problem(rules.normalize_email(v))),
    "landline": ("{{ normalize_landline('v') }}", rules.normalize_landline),
    "landline_problem": ("{{ landline_problem(normalize_landline('v')) }}",
                         lambda v: rules.landline_problem(rules.normalize_landline(v))),
    "clean_text": ("{{ clean_text('v') }}", rules.clean_text),
    "person_name": ("{{ standardize_person_name('v') }}", rules.standardize_person_name),
    "org_name": ("{{ standardize_org_name('v') }}", rules.standardize_org_name),
    "person_name_problem": ("{{ name_problem(clean_text('v'), \"'P'\") }}",
                            lambda v: rules.name_problem(rules.clean_text(v), "P")),
    "org_name_problem": ("{{ name_problem(clean_text('v'), \"'O'\") }}",
                         lambda v: rules.name_problem(rules.clean_text(v), "O")),
    "has_cjk": ("{{ has_cjk('v') }}", rules.has_cjk),
    "org_name_key": ("{{ org_name_key(standardize_org_name('v')) }}",
                     lambda v: rules.org_name_key(rules.standardize_org_name(v))),
    "mention_id": ("{{ mention_id(\"'uw'\", \"'uw_case'\", 'v', \"'applicant'\") }}",
                   lambda v: rules.mention_id("uw", "uw_case", v, "applicant")),
    "mask_id": ("{{ mask('v', 'id') }}", mask_id),
    "mask_mobile": ("{{ mask('v', 'mobile') }}", mask_mobile),
    "date": ("{{ try_to_date('v', '%Y%m%d') }}", lambda v: rules.to_date(v, "%Y%m%d")),
    "iso_date": ("{{ try_to_date('v', '%Y-%m-%d') }}", lambda v: rules.to_date(v, "%Y-%m-%d")),
}


@pytest.fixture(scope="module")
def macro_answers(tmp_path_factory) -> dict[str, dict[str, object]]:
    """Each corpus value's answers from the dbt macros, run by DuckDB."""
    warehouse = Warehouse(f"duckdb:///{tmp_path_factory.mktemp('rules') / 'rules.duckdb'}")
    run_dbt(warehouse, ["seed", "--select", "placeholder_value", "dq_rule_parameter",
                        "org_name_rule"])
    select = ", ".join(f"{sql} as {name}" for name, (sql, _) in ANSWERS.items())
    target = artifacts_dir(warehouse)
    compiled = dbtRunner().invoke([
        "compile", "--inline", f"select v, {select} from corpus", "--quiet",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target / "target"), "--log-path", str(target / "logs")],
        vars=dbt_environment(warehouse))    # the warehouse, as run_dbt gives it
    assert compiled.success, compiled.exception
    sql = compiled.result.results[0].node.compiled_code
    with duckdb.connect(str(warehouse.duckdb_path)) as conn:
        conn.execute("create temp table corpus (v varchar)")
        conn.executemany("insert into corpus values (?)", [[v] for v in corpus()])
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def test_the_corpus_has_every_kind_of_value():
    values = corpus()
    answers = {v: rules.id_problem("RID", rules.normalize_rid(v)) for v in values}
    assert {None, "PLACEHOLDER", "BAD_FORMAT", "BAD_CHECK", "BAD_BIRTH_DATE"} <= set(
        answers.values())
    assert {rules.mobile_problem(rules.normalize_mobile(v)) for v in values} == {
        None, "PLACEHOLDER", "BAD_FORMAT"}
    assert {rules.id_problem("USCC", rules.normalize_id("USCC", v)) for v in values} >= {
        None, "BAD_CHECK", "BAD_ORG_CODE", "BAD_FORMAT"}
    assert {rules.name_problem(rules.clean_text(v), "P") for v in values} >= {
        None, "TOO_LONG", "BAD_CHARACTER", "NO_LETTER"}
    assert {rules.effective_id_type("P", "HHR", rules.normalize_id("HHR", v))
            for v in values} == {"RID", "HHR"}
    assert {mask_id(v) for v in values} >= {"", "*****", "110105********002X"}
    assert len(values) > 500


def test_published_examples():
    assert rules.id_problem("RID", rules.normalize_rid("11010519491231002x")) is None
    assert rules.rid_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert rules.id_problem("RID", "110105194912310029") == "BAD_CHECK"
    assert rules.id_problem("USCC", "91350100M000100Y43") is None
    assert rules.id_problem("ORG", rules.clean_identifier("D2143569-X")) is None
    assert rules.normalize_mobile("+86 139-1234-5678") == "13912345678"


def test_sql_macros_and_python_agree_on_every_value(macro_answers):
    values = corpus()
    assert set(macro_answers) == set(values)
    differences = [(v, name, sql_answer, python(v))
                   for v in values for name, (_, python) in ANSWERS.items()
                   if (sql_answer := macro_answers[v][name]) != python(v)]
    assert differences == []
