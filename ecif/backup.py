"""`ecif backup` and `ecif restore`: a consistent snapshot of the whole warehouse with a
manifest, and its restoration checked against that manifest.

A backup is a folder `DIR/ecif-<UTC time>/` (0700, files 0600: it holds personal data):
- DuckDB: `<file name>.duckdb`, a copy of the file's live data taken while no other
  process writes to it (ecif.warehouse.copy_duckdb_file: freed blocks, where erased
  values linger, are not copied); PostgreSQL: `warehouse.dump`, `pg_dump -Fc`.
- `manifest.json`: engine, time, every table's row count and checksum, and the
  landing bookkeeping (the applied batches: system, entity, business date, md5), so
  that what the extracts folder must still hold to re-run later nights is on record.
With ECIF_BACKUP_KEY (a Fernet key: `python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"`) the data file is encrypted (`.enc`, in 16 MB
chunks) and restore needs the same key. The manifest holds no personal data and stays
readable. `--keep N` (or ECIF_BACKUP_KEEP) deletes all but the newest N backups in DIR.

Restore refuses a warehouse that holds tables unless forced, then checks every table's
count and checksum against the manifest. Checksums are order-independent sums of each
row's hash in the engine's own text form: they compare a backup with its restore on the
same engine, not across engines.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecif import settings
from ecif.run_lock import holding_the_lock
from ecif.warehouse import Connection, Warehouse, WarehouseError, copy_duckdb_file

MANIFEST = "manifest.json"
PREFIX = "ecif-"
KEY_ENV = "ECIF_BACKUP_KEY"
PG_DUMP = "warehouse.dump"
CHUNK = 16 * 1024 * 1024
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "pg_toast")


class BackupError(WarehouseError):
    """A backup or restore that cannot go on: reported in one line."""


def tables(conn: Connection) -> list[tuple[str, str]]:
    catalog = " and table_catalog = current_database()" if conn.kind == "duckdb" else ""
    return [tuple(r) for r in conn.fetchall(
        "select table_schema, table_name from information_schema.tables "
        f"where table_type = 'BASE TABLE' and table_schema not in {SYSTEM_SCHEMAS!r} "
        f"and table_schema not like 'pg_temp%'{catalog} order by 1, 2")]


def checksums(conn: Connection) -> dict[str, dict[str, Any]]:
    """schema.table → row count and checksum, for every table of the warehouse."""
    if conn.kind == "duckdb":
        digest = "coalesce(sum(hash(cast(_ecif_row as varchar))::hugeint), 0)::varchar"
    else:
        digest = ("coalesce(sum(('x' || substr(md5(_ecif_row::text), 1, 15))::bit(60)"
                  "::bigint::numeric), 0)::text")
    out = {}
    for schema, table in tables(conn):
        rows, total = conn.fetchone(f'select count(*), {digest} from "{schema}"."{table}" '
                                    "as _ecif_row")
        out[f"{schema}.{table}"] = {"rows": int(rows), "checksum": str(total)}
    return out


def _landing(conn: Connection) -> list[dict[str, Any]]:
    if not conn.table_exists("raw", "landing_batch"):
        return []
    cols = ("batch_id", "system", "entity", "business_date", "extract_type", "md5", "rows")
    return [dict(zip(cols, r, strict=True)) for r in conn.fetchall(
        f"select {', '.join(cols)} from raw.landing_batch where status = 'LOADED' "
        "order by batch_id")]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def owner_only() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _fernet(required: bool) -> Any:
    key = settings.current().backup_key
    if not key:
        if required:
            raise BackupError(f"the backup is encrypted: set {KEY_ENV} to its key")
        return None
    from cryptography.fernet import Fernet

    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise BackupError(f"{KEY_ENV} is not a Fernet key ({exc})") from None


def _encrypt(plain: Path, fernet: Any) -> Path:
    """Chunk by chunk, each a length-prefixed Fernet token (no whole file in memory)."""
    out = plain.with_name(plain.name + ".enc")
    with plain.open("rb") as src, out.open("wb") as dst:
        while block := src.read(CHUNK):
            token = fernet.encrypt(block)
            dst.write(struct.pack(">Q", len(token)) + token)
    plain.unlink()
    return out


def _decrypt(sealed: Path, plain: Path, fernet: Any) -> None:
    from cryptography.fernet import InvalidToken

    with sealed.open("rb") as src, plain.open("wb") as dst:
        while head := src.read(8):
            try:
                dst.write(fernet.decrypt(src.read(struct.unpack(">Q", head)[0])))
            except InvalidToken:
                raise BackupError(f"{KEY_ENV} does not open {sealed}") from None


def _pg_env(warehouse: Warehouse) -> tuple[list[str], dict[str, str]]:
    p = warehouse.pg_params
    env = dict(os.environ, **({"PGPASSWORD": p["password"]} if p["password"] else {}))
    return ["-h", str(p["host"]), "-p", str(p["port"]), "-U", p["user"]], env


def _run(args: list[str], env: dict[str, str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is missing: `make pg-client` installs it")
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip().splitlines()[-1:]}")


@holding_the_lock("a backup")
def backup(warehouse: Warehouse, out: Path, keep: int | None = None) -> Path:
    """A new backup folder under `out`; keeps the newest `keep` (None: all)."""
    fernet = _fernet(required=False)
    stamp = datetime.now(UTC)
    with owner_only():
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder = out / f"{PREFIX}{stamp:%Y%m%dT%H%M%S%f}"
        folder.mkdir(mode=0o700)
        if warehouse.kind == "duckdb":
            data = folder / warehouse.duckdb_path.name
            copy_duckdb_file(warehouse.duckdb_path, data)
            # counted in the copy: the live file may change once the copy is done
            source = Warehouse(f"duckdb:///{data}")
        else:
            data = folder / PG_DUMP
            # one snapshot: pg_dump reads in one repeatable-read transaction; the counts
            # are taken after it, so a night running meanwhile would show as a mismatch
            source = warehouse
            args, env = _pg_env(warehouse)
            _run(["pg_dump", "-Fc", "-f", str(data), *args, warehouse.pg_params["dbname"]],
                 env)
        with source.connect() as conn:
            manifest = {"engine": warehouse.kind, "created_at": stamp.isoformat(),
                        "database": (warehouse.duckdb_path.stem if warehouse.kind == "duckdb"
                                     else warehouse.pg_params["dbname"]),
                        "tables": checksums(conn), "landing": _landing(conn)}
        if fernet is not None:
            data = _encrypt(data, fernet)
        manifest |= {"file": data.name, "sha256": _sha256(data),
                     "encrypted": fernet is not None}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str),
                                       encoding="utf-8")
        for file in folder.iterdir():
            if file.is_file():
                file.chmod(0o600)
            else:       # DuckDB's spill folder of the count, if it made one
                shutil.rmtree(file)
    if keep is not None:
        prune(out, keep)
    return folder


def backups(out: Path) -> list[Path]:
    """The backups in `out`, oldest first."""
    return sorted(p for p in out.glob(f"{PREFIX}*") if (p / MANIFEST).is_file())


def prune(out: Path, keep: int) -> list[Path]:
    if keep < 1:
        raise BackupError("keep at least one backup")
    gone = backups(out)[:-keep]
    for folder in gone:
        shutil.rmtree(folder)
    return gone


def _folder(source: Path) -> Path:
    if (source / MANIFEST).is_file():
        return source
    found = backups(source)
    if not found:
        raise BackupError(f"no backup in {source} (no {MANIFEST})")
    return found[-1]


@holding_the_lock("a restore")
def restore(warehouse: Warehouse, source: Path, force: bool = False) -> tuple[Path, int]:
    """Restore the backup in `source` (or its newest one); the backup and the tables
    checked."""
    folder = _folder(source)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest["engine"] != warehouse.kind:
        raise BackupError(f"{folder} is a {manifest['engine']} backup; the warehouse is "
                          f"{warehouse.kind}")
    data = folder / manifest["file"]
    if _sha256(data) != manifest["sha256"]:
        raise BackupError(f"{data} does not match its manifest (damaged or altered)")
    if warehouse.kind == "duckdb" and warehouse.duckdb_path.stem != manifest["database"]:
        raise BackupError(f"restore into a file named {manifest['database']}.duckdb: its "
                          "views name the database by the file's name")
    held = _tables_held(warehouse)
    if held and not force:
        raise BackupError(f"the warehouse holds {held} tables: restore over them with --force")
    with owner_only():
        if manifest["encrypted"]:
            plain = data.with_name(f".{data.stem}.restoring")
            _decrypt(data, plain, _fernet(required=True))
        else:
            plain = data
        try:
            _put_back(warehouse, plain)
        finally:
            if plain != data:
                plain.unlink(missing_ok=True)
    with warehouse.connect() as conn:
        now = checksums(conn)
    wrong = sorted(t for t, expected in manifest["tables"].items() if now.get(t) != expected)
    if wrong:
        raise BackupError(f"restored, but {len(wrong)} table(s) differ from the manifest: "
                          + ", ".join(wrong[:5]))
    return folder, len(manifest["tables"])


def _tables_held(warehouse: Warehouse) -> int:
    if warehouse.kind == "duckdb" and not warehouse.duckdb_path.exists():
        return 0
    with warehouse.connect() as conn:
        return len(tables(conn))


def _put_back(warehouse: Warehouse, data: Path) -> None:
    if warehouse.kind == "duckdb":
        target = warehouse.duckdb_path
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(data, fresh)
        # the old file's write-ahead log would be replayed onto the restored file
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
        fresh.replace(target)
        return
    with warehouse.connect() as conn:
        schemas = [r[0] for r in conn.fetchall(
            "select nspname from pg_namespace where nspname not like 'pg\\_%' "
            "and nspname not in ('information_schema', 'public')")]
        for schema in schemas:       # what a later night added goes too
            conn.execute(f'drop schema "{schema}" cascade')
    args, env = _pg_env(warehouse)
    _run(["pg_restore", "--clean", "--if-exists", "--exit-on-error", "--single-transaction",
          "-d", warehouse.pg_params["dbname"], *args, str(data)], env)
