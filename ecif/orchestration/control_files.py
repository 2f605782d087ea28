"""Is a system's delivery for a business date complete? (the DAG's sensors ask)

Complete means every entity of the system has both its data file and its `.ok`
control file in `<extracts_dir>/<system>/<YYYYMMDD>/`: the source writes the
`.ok` last, so a data file without one is still being written. Whether the files
are valid is the loader's job, not the sensor's.
"""

from __future__ import annotations

from pathlib import Path

from ecif.extract_spec import ENTITIES


def missing_files(extracts_dir: Path, system: str, business_date: str) -> list[str]:
    """Files still to arrive, relative to extracts_dir; empty when the delivery is complete."""
    day = Path(extracts_dir) / system / business_date
    missing = []
    for spec in (s for s in ENTITIES if s.system == system):
        for name in (spec.file_name, f"{spec.entity}.ok"):
            if not (day / name).is_file():
                missing.append(f"{system}/{business_date}/{name}")
    return missing
