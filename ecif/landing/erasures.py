"""Landing remembers erasures: a person erased on request does not come back with a
re-delivery (a FULL file re-sent, a re-run of an old date, a new file from a source
that never heard of the erasure).

`security.erasure_register` keeps, per erasure request, keyed hashes of the erased
mentions (`system|entity|key|role`) and of the person's informative ID numbers and
mobiles, never the values: SHA-256 salted with a random secret kept in
`security.erasure_salt`, so the register alone cannot be checked against a list of
phone numbers. Values are normalized by the rules staging
applies (ecif.identifiers) before they are hashed, so `１３９…` or a 15-digit ID
meets its erased form.

Landing screens each file against the register before the insert: a row that is an
erased person's own record (a core customer, a lead) is dropped; in a row shared with
others (an underwriting case, a claim, a receipt, a payout) the person's fields are
emptied; a call event keeps its content but not the number. Each screened row is
written to `raw.landing_erased` (batch, row number, role or field; no key, no value;
see bookkeeping.py), which `quality.dq_exception` reports with rule ERASED.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecif.extract_spec import EntitySpec
from ecif.identifiers import clean_text, mention_id, normalize_id_no, normalize_mobile
from ecif.warehouse import Connection, Warehouse, rewrite_duckdb_file

REGISTER = "security.erasure_register"
SALT = "security.erasure_salt"


@dataclass(frozen=True)
class Erasable:
    """One kind of mention: where the person's data sits in its source row."""
    fields: tuple[str, ...] | None  # None: the whole row is the person's
    id_columns: tuple[str, ...] = ()
    mobile_columns: tuple[str, ...] = ()


# per mention kind (system, entity, role)
ERASABLE: dict[tuple[str, str, str], Erasable] = {
    ("core", "customer", "customer"): Erasable(None, ("id_no",), ("mobile",)),
    ("telesales", "lead", "lead"): Erasable(None, (), ("mobile",)),
    ("uw", "uw_case", "applicant"): Erasable(
        ("applicant_name", "applicant_id_no", "applicant_birth_date", "applicant_mobile"),
        ("applicant_id_no",), ("applicant_mobile",)),
    ("uw", "uw_case", "insured"): Erasable(
        ("insured_name", "insured_id_no", "insured_birth_date"), ("insured_id_no",)),
    ("claims", "claim", "claimant"): Erasable(
        ("claimant_name", "claimant_id_no", "claimant_mobile", "report_phone", "reporter_name",
         "loss_description"), ("claimant_id_no",), ("claimant_mobile",)),
    ("finance", "receipt", "payer"): Erasable(
        ("payer_name", "payer_id_no", "payer_account_no"), ("payer_id_no",)),
    ("finance", "payout", "payee"): Erasable(
        ("payee_name", "payee_id_no", "payee_account_no"), ("payee_id_no",)),
}
# calls keep their content; only the caller's number goes
CALL_NUMBERS = {("telesales", "contact_event"): "mobile"}

NORMALIZE: dict[str, Callable[[str], str | None]] = {
    "mention": lambda v: v, "id_no": normalize_id_no, "mobile": normalize_mobile}
# values already in the form their rule produces (most of them): no need to run it
NORMAL_FORM = {"mention": "^[!-~]+$", "id_no": "^[0-9]{17}[0-9X]$", "mobile": "^[0-9]{11}$"}


def ensure_register(conn: Connection) -> None:
    conn.execute("create schema if not exists security")
    conn.execute(f"create table if not exists {SALT} (salt text not null)")
    # file_rewritten: on DuckDB, whether the warehouse file was rewritten since
    conn.execute(f"create table if not exists {REGISTER} (digest text not null, "
                 "request_id bigint not null, erased_at timestamp not null, "
                 "file_rewritten boolean not null)")


def _salt(conn: Connection) -> str:
    salt = conn.scalar(f"select salt from {SALT}")
    if salt is None:
        salt = secrets.token_hex(32)
        conn.execute(f"insert into {SALT} values (?)", [salt])
    return str(salt)


def _digest(salt: str, kind: str, value: str) -> str:
    """Salted SHA-256, the same as DuckDB's `sha256(salt || kind || ':' || value)`."""
    return hashlib.sha256(f"{salt}{kind}:{value}".encode()).hexdigest()


def remember(conn: Connection, request_id: int, erased_at: object, *,
             mention_ids: Iterable[str], id_nos: Iterable[str],
             mobiles: Iterable[str]) -> None:
    """Register an erasure (inside the erasure's transaction)."""
    ensure_register(conn)
    salt = _salt(conn)
    digests = sorted({_digest(salt, kind, NORMALIZE[kind](value))
                      for kind, values in (("mention", mention_ids), ("id_no", id_nos),
                                           ("mobile", mobiles))
                      for value in values})
    for digest in digests:
        conn.execute(f"insert into {REGISTER} values (?, ?, ?, false)",
                     [digest, request_id, erased_at])


def rewrite_if_pending(warehouse: Warehouse) -> bool:
    """On DuckDB, after the rebuild that follows an erasure: rewrite the file, so the
    erased values leave its bytes too (warehouse.rewrite_duckdb_file)."""
    if warehouse.kind != "duckdb":
        return False
    with warehouse.connect() as conn:
        pending = (conn.table_exists("security", "erasure_register") and conn.scalar(
            f"select count(*) from {REGISTER} where not file_rewritten"))
    if not pending:
        return False
    rewrite_duckdb_file(warehouse)
    with warehouse.connect() as conn:
        conn.execute(f"update {REGISTER} set file_rewritten = true")
    return True


@dataclass(frozen=True)
class Register:
    salt: str
    digests: frozenset[str]

    @classmethod
    def load(cls, conn: Connection) -> Register:
        if not conn.table_exists("security", "erasure_register"):
            return cls("", frozenset())
        digests = frozenset(r[0] for r in conn.fetchall(f"select digest from {REGISTER}"))
        return cls(_salt(conn) if digests else "", digests)

    def hits(self, column: pa.ChunkedArray, kind: str,
             prefix: str = "", suffix: str = "") -> np.ndarray:
        """Which values of `column` are erased (cleaned and normalized as staging does).

        Each distinct value once, hashed in DuckDB over Arrow; the Python rule runs only
        for values not yet in normal form."""
        values = pc.drop_null(pc.unique(column))
        normal = pc.fill_null(pc.match_substring_regex(values, NORMAL_FORM[kind]), False)
        # values not in normal form yet (full-width, +86, blanks): few, by the rule itself
        others = pc.filter(values, pc.invert(normal)).to_pylist()
        forms = [NORMALIZE[kind](text) if (text := clean_text(v)) else None for v in others]
        candidates = pa.table({
            "value": pa.concat_arrays([pc.filter(values, normal), pa.array(others, pa.string())]),
            "form": pa.concat_arrays([pc.filter(values, normal),
                                      pa.array([f or None for f in forms], pa.string())])})
        with duckdb.connect() as local:
            local.register("candidate", candidates)
            local.register("erased", pa.table({"digest": pa.array(sorted(self.digests))}))
            erased = local.sql(
                "select value from candidate where sha256(? || form || ?) in "
                "(select digest from erased)",
                params=[f"{self.salt}{kind}:{prefix}", suffix]).to_arrow_table()["value"]
        found = pc.fill_null(pc.is_in(column, value_set=erased.combine_chunks()), False)
        return found.to_numpy(zero_copy_only=False)


def screen(register: Register, spec: EntitySpec,
           table: pa.Table) -> tuple[pa.Table, list[tuple[int, str]]]:
    """The rows to insert, and (row number, role or field) of every row screened."""
    if not register.digests:
        return table, []
    screened: list[tuple[int, str]] = []
    drop = np.zeros(table.num_rows, dtype=bool)
    rows = table["_row_number"].to_numpy()
    for (system, entity, role), where in ERASABLE.items():
        if (system, entity) != (spec.system, spec.entity):
            continue
        # the key's mention id is prefix || key || suffix (ecif.identifiers.mention_id)
        prefix, _, suffix = mention_id(system, entity, "\0", role).partition("\0")
        hit = register.hits(table[spec.key], "mention", prefix, suffix)
        for column in where.id_columns:
            hit |= register.hits(table[column], "id_no")
        for column in where.mobile_columns:
            hit |= register.hits(table[column], "mobile")
        if where.fields is None:
            drop |= hit
        else:
            table = _empty(table, where.fields, hit)
        screened += [(int(r), role) for r in rows[hit]]
    call_number = CALL_NUMBERS.get((spec.system, spec.entity))
    if call_number:
        hit = register.hits(table[call_number], "mobile")
        table = _empty(table, (call_number,), hit)
        screened += [(int(r), call_number) for r in rows[hit]]
    return table.filter(pa.array(~drop)), sorted(set(screened))


def _empty(table: pa.Table, fields: tuple[str, ...], hit: np.ndarray) -> pa.Table:
    if not hit.any():
        return table
    mask = pa.array(hit)
    for name in fields:
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.if_else(mask, pa.scalar(None, pa.string()),
                                                     table[name]))
    return table
