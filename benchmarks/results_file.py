"""benchmarks/RESULTS.md: one `## <Title>` section per benchmark, each rewritten
only by its own script, with the machine it ran on."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """The machine and date, for the first line of a section."""
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on `{' '.join(platform.uname())}`; "
            f"{os.cpu_count()} CPUs; {mem_kb / 2**20:.1f} GiB RAM; "
            f"Python {platform.python_version()}.")


def write_section(title: str, lines: list[str]) -> None:
    """Replace the `## <title>` section of RESULTS.md (or append it), keeping the rest."""
    heading = f"## {title}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    body = "\n".join([heading, "", *lines]).rstrip() + "\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip() + "\n\n" + body
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + body + ("" if end < 0 else "\n" + text[end + 1:])
    RESULTS.write_text(text, encoding="utf-8")
