"""Serialize row versions per system format (spec §5), the `.ok` control files, and the
ground truth in the main generator's layout (so `ecif evaluate --truth` reads it)."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from benchmarks.independent.book import TRAP_LABELS, Book
from benchmarks.independent.people import Org, Person
from ecif.extract_spec import ENTITIES, PARTY_ROLES, TRUTH_DIR, EntitySpec
from ecif.landing.control_file import SHANGHAI, ControlFile

JSON_DROP_NULL_RATE = 0.4     # telesales sometimes omits a null key, sometimes writes null
UW_BOM_RATE = 0.5
MENTION_COLUMNS = ("source_system", "source_entity", "source_key", "source_role", "entity_id",
                   "party_type", "traps", "dirt", "first_date", "last_date", "deleted")


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _plain(values: list[str], banned: str) -> list[str]:
    # Sources without quoting strip their delimiter and line breaks from values.
    table = str.maketrans({c: " " for c in banned})
    return [v.translate(table) for v in values]


def encode(spec: EntitySpec, rows: list[tuple[str, dict]], rng: random.Random) -> bytes:
    cols = spec.columns
    fmt = spec.fmt.file_format
    if fmt == "jsonl":
        lines = []
        for op, row in rows:
            obj = {c: row.get(c) for c in cols[:-1]}
            obj = {c: v for c, v in obj.items()
                   if v is not None or rng.random() >= JSON_DROP_NULL_RATE}
            obj["op"] = op
            lines.append(json.dumps(obj, ensure_ascii=spec.entity == "contact_event") + "\n")
        return "".join(lines).encode("utf-8")
    body = [[_text(row.get(c)) for c in cols[:-1]] + [op] for op, row in rows]
    if fmt == "pipe":
        lines = ["|".join(cols)] + ["|".join(_plain(r, "|\r\n")) for r in body]
        return ("\r\n".join(lines) + "\r\n").encode("gbk", errors="replace")
    if fmt == "tsv":
        lines = ["\t".join(cols)] + ["\t".join(_plain(r, "\t\r\n")) for r in body]
        return ("\n".join(lines) + "\n").encode("utf-8")
    buf = io.StringIO()
    # claims keeps csv's default CRLF records; uw writes LF (both allowed by the spec).
    w = csv.writer(buf, lineterminator="\r\n" if spec.system == "claims" else "\n")
    w.writerow(cols)
    w.writerows(body)
    data = buf.getvalue().encode("utf-8")
    if spec.system == "uw" and rng.random() < UW_BOM_RATE:
        data = b"\xef\xbb\xbf" + data
    return data


def write_extracts(out: Path, book: Book, dates: list[date], rng: random.Random) -> dict[str, int]:
    counts: dict[str, int] = {}
    for spec in ENTITIES:
        for day, d in enumerate(dates, start=1):
            rows = book.rows_of_day(spec.system, spec.entity, day, rng)
            folder = out / spec.system / f"{d:%Y%m%d}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / spec.file_name
            path.write_bytes(encode(spec, rows, rng))
            stamp = datetime.combine(d + timedelta(days=1), time(1, 30), SHANGHAI)
            ControlFile.describe(path, system=spec.system, entity=spec.entity,
                                 business_date=f"{d:%Y%m%d}",
                                 extract_type="FULL" if day == 1 else "DELTA",
                                 encoding=spec.fmt.encoding, rows=len(rows),
                                 generated_at=stamp).write(folder / f"{spec.entity}.ok")
            counts[f"{spec.system}.{spec.entity}"] = counts.get(
                f"{spec.system}.{spec.entity}", 0) + len(rows)
    return counts


def write_truth(out: Path, book: Book, dates: list[date], people: list[Person],
                orgs: list[Org]) -> int:
    folder = out / TRUTH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    with (folder / "mentions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MENTION_COLUMNS)
        for system, entity, role in PARTY_ROLES:
            for key, versions in book.entities.get((system, entity), {}).items():
                last = versions[-1]
                party = last.parties.get(role)
                if party is None:
                    continue
                traps = ";".join(t for t in TRAP_LABELS if t in party.traps)
                w.writerow((system, entity, key, role, party.eid, party.ptype, traps,
                            ";".join(sorted(party.dirt)), f"{dates[versions[0].day - 1]:%Y%m%d}",
                            f"{dates[last.day - 1]:%Y%m%d}",
                            "true" if last.op == "D" else "false"))
                n += 1
    with (folder / "entities.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("entity_id", "party_type", "name", "id_no", "gender", "birth_date", "mobile",
                    "parent_entity_id"))
        for p in people:
            w.writerow((p.eid, "P", p.name, p.id_no, p.gender, f"{p.birth:%Y%m%d}", p.mobile, ""))
        for o in orgs:
            parent = orgs[o.parent].eid if o.parent is not None else ""
            w.writerow((o.eid, "O", o.name, o.uscc, "", "", o.mobile, parent))
    with (folder / "relations.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("entity_id", "relation", "related_entity_id"))
        for p in people:
            if p.partner is not None:
                w.writerow((p.eid, p.relation, people[p.partner].eid))
        for o in orgs:
            if o.parent is not None:
                rel = "branch_of" if o.kind == "branch" else "subsidiary_of"
                w.writerow((o.eid, rel, orgs[o.parent].eid))
    return n
