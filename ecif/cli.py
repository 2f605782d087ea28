"""The `ecif` command line (outputs.md §1).

Every subcommand prints one clear line and exits non-zero on failure; long work
shows progress bars on stderr.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ecif import warehouse as wh

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="ECIF: the customer master of a P&C insurer.")
console = Console()

WarehouseOption = Annotated[str | None, typer.Option(
    "--warehouse", envvar=wh.ENV_VAR,
    help="duckdb:///path/file.duckdb or postgresql://user@host:port/db "
         f"(default {wh.DEFAULT_URL} in the working directory)")]
DATE = re.compile(r"^\d{8}$")


class UsageError(ValueError):
    """Bad arguments: reported in one line."""


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Expected failures become `error: ...` on stderr and exit code 1, not a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ecif.dbt_runner import DbtError
        from ecif.landing.control_file import ControlFileError

        try:
            return command(*args, **kwargs)
        except (UsageError, wh.WarehouseError, DbtError, ControlFileError,
                FileNotFoundError, NotADirectoryError, PermissionError) as exc:
            Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False,
                                       soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@app.command()
@one_line_errors
def generate(
    out: Annotated[Path, typer.Option(help="folder to write <system>/<date>/ extracts into")],
    persons: Annotated[int, typer.Option(min=1)] = 1000,
    orgs: Annotated[int, typer.Option(min=0)] = 100,
    days: Annotated[int, typer.Option(min=1, help="business days: the first FULL, then DELTA")] = 3,
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Write synthetic source extracts and their ground truth."""
    from ecif.generate.extracts import generate_extracts
    from ecif.progress import ProgressDisplay

    with ProgressDisplay() as display:
        counts = generate_extracts(out, persons, orgs, days, seed, on_progress=display.update)
    console.print(f"wrote {sum(v for k, v in counts.items() if '.' in k):,} rows "
                  f"for {persons:,} persons and {orgs:,} organizations over {days} days "
                  f"to {out}", highlight=False)


def _parse_reruns(values: list[str]) -> list[tuple[str, str]]:
    from ecif.extract_spec import SYSTEMS

    reruns = []
    for value in values:
        system, _, date = value.partition(":")
        if system not in SYSTEMS or not DATE.match(date):
            raise UsageError(f"--rerun {value!r}: expected SYSTEM:YYYYMMDD, e.g. core:20261102")
        reruns.append((system, date))
    return reruns


@app.command()
@one_line_errors
def run(
    extracts: Annotated[Path, typer.Option(help="the landing folder (<system>/<date>/...)")],
    warehouse: WarehouseOption = None,
    through: Annotated[str | None, typer.Option(help="load business dates up to YYYYMMDD")] = None,
    rerun: Annotated[list[str], typer.Option(
        help="SYSTEM:YYYYMMDD whose re-delivered batches replace the applied ones")] = [],  # noqa: B006
) -> None:
    """One nightly run: land every complete batch, then staging, matching and marts."""
    if through is not None and not DATE.match(through):
        raise UsageError(f"--through {through!r}: expected YYYYMMDD")
    if not extracts.is_dir():
        raise NotADirectoryError(f"extracts folder {extracts} does not exist")
    _run_and_report(wh.resolve(warehouse), extracts, through, _parse_reruns(rerun))


def _run_and_report(target: wh.Warehouse, extracts: Path, through: str | None = None,
                    reruns: list[tuple[str, str]] | None = None) -> None:
    from ecif.pipeline import run_nightly
    from ecif.progress import ProgressDisplay

    with ProgressDisplay() as display:
        summary = run_nightly(target, extracts, through, reruns or [], on_progress=display.update)
    for line in summary.lines():
        console.print(line, highlight=False, soft_wrap=True)


@app.command()
@one_line_errors
def demo(
    out: Annotated[Path, typer.Option(help="where the sample extracts go")] = Path(
        "source_extracts"),
    warehouse: WarehouseOption = None,
    persons: Annotated[int, typer.Option(min=1)] = 2000,
    orgs: Annotated[int, typer.Option(min=0)] = 200,
    days: Annotated[int, typer.Option(min=1)] = 3,
) -> None:
    """Generate a small sample and run it end to end on the embedded warehouse."""
    target = wh.resolve(warehouse)
    generate(out=out, persons=persons, orgs=orgs, days=days, seed=42)
    _run_and_report(target, out)
    location = target.duckdb_path if target.kind == "duckdb" else target.url
    console.print(f"\nDone. Golden customers are in marts.customer and marts.customer_xref of "
                  f"{location}; ground truth in {out / 'ground_truth'}.", highlight=False)


if __name__ == "__main__":
    app()
