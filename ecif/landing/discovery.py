"""Find deliveries: `<extracts_dir>/<system>/<YYYYMMDD>/<entity>.<ext>` and `<entity>.ok`.

Only the five contract systems are read (`ground_truth/` and any other folder
is ignored), only folders named by an 8-digit date, only dates up to `through`;
`systems` narrows it to some of them (the Airflow DAG lands each system in its own task).
A file in a date folder that is neither an entity's data file nor its `.ok`
is returned in `unknown` (reported, never loaded); hidden files are ignored.
Deliveries come back sorted by system, entity and business date: the order
in which they must be applied.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from ecif.extract_spec import BY_FILE, BY_NAME, SYSTEMS, EntitySpec

_DATE = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class Delivery:
    spec: EntitySpec
    business_date: str
    data_path: Path | None  # None: only the .ok arrived
    ok_path: Path | None    # None: the source is still writing
    rel_path: str           # data file relative to extracts_dir (posix)

    @property
    def system(self) -> str:
        return self.spec.system

    @property
    def entity(self) -> str:
        return self.spec.entity

    @property
    def batch_id(self) -> str:
        return batch_id(self.system, self.entity, self.business_date)


@dataclass
class Discovery:
    deliveries: list[Delivery] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # relative paths


def batch_id(system: str, entity: str, business_date: str) -> str:
    return f"{system}__{entity}__{business_date}"


def discover(extracts_dir: Path, through: str | None = None,
             systems: Collection[str] | None = None) -> Discovery:
    found = Discovery()
    for system in SYSTEMS if systems is None else [s for s in SYSTEMS if s in systems]:
        system_dir = extracts_dir / system
        if not system_dir.is_dir():
            continue
        for date_dir in sorted(p for p in system_dir.iterdir() if p.is_dir()):
            day = date_dir.name
            if not _DATE.match(day) or (through is not None and day > through):
                continue
            entities: set[str] = set()
            for path in sorted(date_dir.iterdir()):
                if path.name.startswith(".") or not path.is_file():
                    continue
                if (system, path.name) in BY_FILE:
                    entities.add(BY_FILE[(system, path.name)].entity)
                elif path.suffix == ".ok" and (system, path.stem) in BY_NAME:
                    entities.add(path.stem)
                else:
                    found.unknown.append(path.relative_to(extracts_dir).as_posix())
            for entity in entities:
                spec = BY_NAME[(system, entity)]
                data = date_dir / spec.file_name
                ok = date_dir / f"{entity}.ok"
                found.deliveries.append(Delivery(
                    spec, day, data if data.is_file() else None, ok if ok.is_file() else None,
                    data.relative_to(extracts_dir).as_posix()))
    found.deliveries.sort(key=lambda d: (d.system, d.entity, d.business_date))
    return found
