"""The `ecif` command line (outputs.md §1).

Every subcommand prints one clear line and exits non-zero on failure; long work
shows progress bars on stderr.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from ecif import settings
from ecif import warehouse as wh
from ecif.settings import Settings, SettingsError
from ecif.translation import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from ecif.pipeline import RunSummary
    from ecif.prospect_filters import ProspectFilters

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="ECIF: the customer master of a P&C insurer.")
console = Console()

# the options' defaults are the settings (ecif.settings), read when a command runs
WarehouseOption = Annotated[str | None, typer.Option(
    "--warehouse",
    help="duckdb:///path/file.duckdb or postgresql://user@host:port/db (default "
         f"ECIF_WAREHOUSE, else {Settings.warehouse_url} in the working directory)")]
DATE = re.compile(r"^\d{8}$")
EXIT_NEEDS_ATTENTION = 3  # `ecif run`: refused files, overdue deliveries, held sources


class UsageError(ValueError):
    """Bad arguments: reported in one line."""


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Expected failures become `error: ...` on stderr and exit code 1, not a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ecif.dbt_runner import DbtError
        from ecif.events.subscriptions import FeedError
        from ecif.exceptions_centre import ExceptionCentreError
        from ecif.exports import ExportError
        from ecif.identifiers import InvalidValue
        from ecif.landing.control_file import ControlFileError
        from ecif.report_site.site import ReportError
        from ecif.run_lock import WarehouseBusy
        from ecif.stewardship.users import StewardshipError
        from expectations.gate import QualityGateError

        try:
            with _logged(command.__name__, kwargs.get("warehouse")):
                return command(*args, **kwargs)
        except (UsageError, SettingsError, wh.WarehouseError, DbtError, ControlFileError,
                ExportError, QualityGateError, ReportError, ExceptionCentreError,
                StewardshipError, InvalidValue, FeedError, WarehouseBusy,
                FileNotFoundError, NotADirectoryError, PermissionError) as exc:
            Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False,
                                       soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def _logged(name: str, warehouse: str | None) -> Iterator[None]:
    """Each command is a step of the operations log (README, Operations)."""
    from ecif import ops_log

    try:
        ops_log.configure(wh.resolve(warehouse))
    except (SettingsError, wh.WarehouseError, OSError):
        yield       # no log file for a warehouse that cannot be named: the error says why
        return
    with ops_log.new_run(), ops_log.step(f"command {name.replace('_', '-')}"):
        yield


def beside_the_service(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command that opens the warehouse outside a run (its `warehouse` option): on
    DuckDB, while `ecif serve` keeps the file open, it holds the warehouse lock for its
    time, the service serving a copy meanwhile (ecif.run_lock.beside_the_service)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ecif.run_lock import beside_the_service as holding_aside

        with holding_aside(wh.resolve(kwargs.get("warehouse")),
                           f"command {command.__name__.replace('_', '-')}"):
            return command(*args, **kwargs)

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
    full: Annotated[bool, typer.Option(
        "--full", help="rebuild staging from all raw rows, not only the new batches")] = False,
    from_archive: Annotated[bool, typer.Option(
        "--from-archive", help="with --full: put the archived raw rows back first")] = False,
) -> None:
    """One nightly run: land every complete batch, then staging, matching and marts,
    then archive the raw rows past retention (`ecif archive`).

    Exit code 3: the run finished, but a file was refused, a delivery is waiting past
    its deadline or a source's new batches were quarantined (everything else was loaded
    and published)."""
    if through is not None and not DATE.match(through):
        raise UsageError(f"--through {through!r}: expected YYYYMMDD")
    if from_archive and not full:
        raise UsageError("--from-archive rebuilds from all history: use it with --full")
    if not extracts.is_dir():
        raise NotADirectoryError(f"extracts folder {extracts} does not exist")
    from ecif.run_lock import yield_to_the_service

    yield_to_the_service()
    summary = _run_and_report(wh.resolve(warehouse), extracts, through, _parse_reruns(rerun),
                              full, from_archive)
    if summary.needs_attention:
        raise typer.Exit(EXIT_NEEDS_ATTENTION)


def _run_and_report(target: wh.Warehouse, extracts: Path, through: str | None = None,
                    reruns: list[tuple[str, str]] | None = None, full: bool = False,
                    from_archive: bool = False) -> RunSummary:
    from ecif.pipeline import run_nightly
    from ecif.progress import ProgressDisplay

    with ProgressDisplay() as display:
        summary = run_nightly(target, extracts, through, reruns or [],
                              on_progress=display.update, full=full,
                              from_archive=from_archive)
    for line in summary.lines():
        console.print(line, highlight=False, soft_wrap=True)
    return summary


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


export_app = typer.Typer(no_args_is_help=True, help="Marketing lists as CSV or XLSX.")
app.add_typer(export_app, name="export")
UnmaskedOption = Annotated[bool, typer.Option(
    "--unmasked", help="show mobiles and ID numbers in full (needs `ecif login` as a user "
                       "whose role may see them)")]


LangOption = Annotated[str, typer.Option(
    "--lang", help="language of the text and the code names: zh (default) or en")]
DatesOption = Annotated[str | None, typer.Option(
    "--dates", help="dates as zh (2026年11月20日) or iso (2026-11-20) in either language; "
                    "default: zh in Chinese, iso in English")]


def _dates(dates: str | None, lang: str) -> str:
    """The --dates a reader chose (checked), else their --lang's own (ecif.translation)."""
    from ecif.translation import DATE_FORMATS, LANGUAGES, date_format

    if lang not in LANGUAGES:
        raise UsageError(f"--lang is one of {', '.join(LANGUAGES)}")
    if dates is not None and dates not in DATE_FORMATS:
        raise UsageError(f"--dates is one of {', '.join(DATE_FORMATS)}")
    return date_format(dates, lang)


HeadersOption = Annotated[str, typer.Option(
    "--headers", help="language of an XLSX's headers and names: zh (default) or en; "
                      "a CSV keeps column names and codes")]


def _export(name: str, out: Path, warehouse: str | None, unmasked: bool, headers: str,
            within_days: int | None = None, prospects: ProspectFilters | None = None) -> None:
    """As the logged-in user: its role decides the columns, an agent or telesales seat
    gets only its own customers."""
    from ecif.cli_session import current_user
    from ecif.exports import export_list

    target = wh.resolve(warehouse)
    user = current_user(target)
    rows = export_list(target, name, out, within_days=within_days, prospects=prospects,
                       unmasked=unmasked, role=user.role, user=user, headers=headers)
    console.print(f"wrote {rows:,} rows to {out}"
                  + ("" if unmasked else " (personal data masked)"), highlight=False)


@export_app.command("renewal-targets")
@one_line_errors
@beside_the_service
def export_renewal_targets(
    out: Annotated[Path, typer.Option(help="FILE.csv or FILE.xlsx")],
    within_days: Annotated[int, typer.Option(min=0, help="policies expiring within N days")] = 60,
    warehouse: WarehouseOption = None,
    unmasked: UnmaskedOption = False,
    headers: HeadersOption = "zh",
) -> None:
    """续保名单: in-force policies due for renewal, holder reachable."""
    _export("renewal-targets", out, warehouse, unmasked, headers, within_days)


@export_app.command("telesales-prospects")
@one_line_errors
@beside_the_service
def export_telesales_prospects(
    out: Annotated[Path, typer.Option(help="FILE.csv or FILE.xlsx")],
    warehouse: WarehouseOption = None,
    unmasked: UnmaskedOption = False,
    region: Annotated[str | None, typer.Option(help="a province or city, e.g. 北京市")] = None,
    value_class: Annotated[str | None, typer.Option(help="value class A, B or C")] = None,
    product_line: Annotated[str | None, typer.Option(
        help="only suggestions of this product line, e.g. ACCIDENT")] = None,
    renewal_within_days: Annotated[int | None, typer.Option(
        min=0, help="a policy in force due for renewal within N days")] = None,
    quiet_days: Annotated[int | None, typer.Option(
        min=0, help="not contacted for at least N days (or never)")] = None,
    seat: Annotated[str | None, typer.Option(help="customers assigned to this seat")] = None,
    headers: HeadersOption = "zh",
) -> None:
    """电销名单: consented leads and cross-sell candidates (never anyone who refused
    marketing or is on do-not-call; column contact_basis says why a call is allowed)."""
    from ecif.prospect_filters import ProspectFilters

    _export("telesales-prospects", out, warehouse, unmasked, headers, prospects=ProspectFilters(
        region=region, value_class=value_class, product_line=product_line,
        renewal_within_days=renewal_within_days, quiet_days=quiet_days, seat=seat))


@app.command()
@one_line_errors
@beside_the_service
def lookup(
    phone: Annotated[str | None, typer.Option(help="a caller's number, any format")] = None,
    id_no: Annotated[str | None, typer.Option(help="an ID number (15/18 digits, USCC...)")] = None,
    party_id: Annotated[str | None, typer.Option(help="a golden customer's party id")] = None,
    warehouse: WarehouseOption = None,
    unmasked: UnmaskedOption = False,
    lang: LangOption = DEFAULT_LANGUAGE,
    dates: DatesOption = None,
) -> None:
    """Who is calling? The customer-360 view of whoever the key resolves to (an agent or
    telesales seat logged in finds only its own customers), in Chinese unless --lang en."""
    from ecif.audit import record_personal_data_access
    from ecif.cli_session import current_user
    from ecif.lookup import customer_view, find_parties, present
    from ecif.lookup_display import render_view
    from ecif.masking import VISIBLE, access, check_unmasked
    from ecif.service.scoping import visible

    if sum(v is not None for v in (phone, id_no, party_id)) != 1:
        raise UsageError("give exactly one of --phone, --id-no, --party-id")
    dates = _dates(dates, lang)
    target = wh.resolve(warehouse)
    user = current_user(target)
    role = user.role
    if unmasked:
        check_unmasked(role)
    searched = "mobile" if phone else "id_no" if id_no else None
    if searched and access(role, searched) != VISIBLE:
        raise UsageError(f"role {role} may not search by {searched}")
    with target.connect() as conn:
        parties = find_parties(conn, phone=phone, id_no=id_no, party_id=party_id)
        parties = visible(conn, user, parties)
        if not parties:
            raise UsageError("no customer found for that " + (
                "phone number" if phone else "ID number" if id_no else "party id"))
        if unmasked:
            record_personal_data_access(conn, user.role, "lookup",
                                        f"{user.name}: {','.join(parties)}", len(parties))
        for party in parties:
            render_view(console, present(customer_view(conn, party), role, unmasked=unmasked),
                        lang, dates)


@app.command()
@one_line_errors
@beside_the_service
def evaluate(
    truth: Annotated[Path, typer.Option(
        help="ground_truth/mentions.csv, or the extracts folder holding ground_truth/")],
    warehouse: WarehouseOption = None,
) -> None:
    """Match quality against ground truth: pairwise precision, recall, F1; over-merges."""
    from rich.table import Table

    from matching.evaluation import evaluate as measure
    from matching.evaluation import read_truth

    if not truth.exists():
        raise FileNotFoundError(f"truth file {truth} does not exist")
    with wh.resolve(warehouse).connect() as conn:
        if not conn.table_exists("matching", "party_mention"):
            raise UsageError("the warehouse has no matching results yet: run `ecif run` first")
        results = measure(conn, read_truth(truth))
    table = Table("party type", "mentions", "true pairs", "precision", "recall", "F1",
                  "found recall", "over-merged", "over-merges by trap")
    for q in results:
        table.add_row("persons" if q.party_type == "P" else "organizations", f"{q.mentions:,}",
                      f"{q.true_pairs:,}", f"{q.precision:.5f}", f"{q.recall:.5f}",
                      f"{q.f1:.5f}", f"{q.found_recall:.5f}", str(q.over_merged),
                      ", ".join(f"{k} {v}" for k, v in sorted(q.over_merged_by_trap.items()))
                      or "-")
    console.print(table)


@app.command("train-model")
@one_line_errors
@beside_the_service
def train_model(
    warehouse: WarehouseOption = None,
    out: Annotated[Path | None, typer.Option(
        help="folder for person.json and organization.json (default matching/models)")] = None,
    seed: Annotated[int, typer.Option(help="seed of the random pairs for u")] = 1,
    with_decisions: Annotated[bool, typer.Option(
        "--with-decisions", help="check the saved and the retrained person model against "
        "the stewards' decisions (labelled pairs): precision, recall, threshold chart")] = False,
) -> None:
    """Train the person and organization match models on the warehouse's mentions."""
    from matching.training import MODEL_FILES, MODELS_DIR, train_models

    target = wh.resolve(warehouse)
    with target.connect() as conn:
        if not conn.table_exists("intermediate", "int_party_mention"):
            raise UsageError("the warehouse has no int_party_mention: run `ecif run` first")
        if with_decisions:
            _decision_check(target, conn, "saved", MODEL_FILES["P"])
        written = train_models(conn, out or MODELS_DIR, seed=seed)
        for path in written.values():
            console.print(f"wrote {path}", highlight=False)
        if with_decisions:
            _decision_check(target, conn, "retrained", written["P"])


def _decision_check(warehouse: wh.Warehouse, conn, which: str, model: Path) -> None:
    from ecif.report_folders import reports_root
    from matching.decision_check import check_model

    chart = reports_root(warehouse) / "matching" / "decisions" / f"{which}_person_model.html"
    check = check_model(conn, model, chart)
    if check is None:
        console.print(f"{which} model: no steward decision on two current persons to check "
                      "it against", highlight=False)
        return
    console.print(f"{which} model: {check.line()}; chart {check.chart}", highlight=False)


steward_app = typer.Typer(no_args_is_help=True, help=(
    "Stewardship (闭环管理): requests take effect only when another user with the "
    "approver role approves them."))
app.add_typer(steward_app, name="steward")
PasswordStdinOption = Annotated[bool, typer.Option(
    "--password-stdin", help="read the password from the first line of stdin (scripts)")]
ReasonOption = Annotated[str, typer.Option("--reason", help="why (kept in the audit trail)")]


def _requested(request_id: int) -> None:
    console.print(f"request {request_id} is pending approval", highlight=False)


def _acting(warehouse: str | None) -> tuple[wh.Warehouse, str]:
    """The warehouse and the logged-in user acting on it (`ecif login`)."""
    from ecif.cli_session import current_user

    target = wh.resolve(warehouse)
    return target, current_user(target).name


@app.command()
@one_line_errors
@beside_the_service
def login(user: Annotated[str | None, typer.Option(
              "--user", help="your user name (default ECIF_USER, else asked)")] = None,
          password_stdin: PasswordStdinOption = False,
          warehouse: WarehouseOption = None) -> None:
    """Prove who you are (password, or ECIF_PASSWORD / --password-stdin for scripts); the
    token is kept in ~/.config/ecif/tokens.json (ECIF_TOKEN_FILE), readable by you only."""
    from ecif.cli_session import login as log_in
    from ecif.cli_session import read_password

    user = user or settings.current().user or typer.prompt("User")
    found = log_in(wh.resolve(warehouse), user, read_password(password_stdin))
    console.print(f"logged in as {found.name} ({found.role})", highlight=False)


@app.command()
@one_line_errors
@beside_the_service
def logout(warehouse: WarehouseOption = None) -> None:
    """End the session: the token is revoked, not only forgotten."""
    from ecif.cli_session import logout as log_out

    ended = log_out(wh.resolve(warehouse))
    console.print("logged out" if ended else "was not logged in", highlight=False)


def _user_command(value_error_as_usage: Callable[..., Any]) -> Callable[..., Any]:
    """A user-lifecycle command: a bad role, owner code or password is a usage error."""
    @wraps(value_error_as_usage)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ecif.stewardship.users import StewardshipError

        try:
            return value_error_as_usage(*args, **kwargs)
        except StewardshipError:
            raise
        except ValueError as problem:
            raise UsageError(str(problem)) from None
    return wrapper


OwnerCodeOption = Annotated[str | None, typer.Option(
    help="the agent code or telesales seat whose customers the user sees")]


@steward_app.command("user-add")
@one_line_errors
@beside_the_service
@_user_command
def steward_user_add(name: str, role: Annotated[str, typer.Option()],
                     owner_code: OwnerCodeOption = None,
                     password_stdin: PasswordStdinOption = False,
                     warehouse: WarehouseOption = None) -> None:
    """Add a user with a role (those of role_permission.csv) and a password (asked twice).
    An admin does it; the very first user, an admin, is added without a login."""
    from ecif.cli_session import no_users_yet, read_password
    from ecif.stewardship import service

    target = wh.resolve(warehouse)
    actor = None if no_users_yet(target) else _acting(warehouse)[1]
    password = read_password(password_stdin, f"password for {name}", confirm=True)
    service.user_add(target, name, role, password, actor, owner_code)
    console.print(f"{name} is {role}", highlight=False)


@steward_app.command("password")
@one_line_errors
@beside_the_service
@_user_command
def steward_password(name: str, password_stdin: PasswordStdinOption = False,
                     warehouse: WarehouseOption = None) -> None:
    """Set a user's password: your own, or (admin) anyone's. Ends all of the user's sessions."""
    from ecif.cli_session import read_password
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    password = read_password(password_stdin, f"new password for {name}", confirm=True)
    service.user_password(target, name, password, user)
    console.print(f"password of {name} set; their sessions ended", highlight=False)


@steward_app.command("user-role")
@one_line_errors
@beside_the_service
@_user_command
def steward_user_role(name: str, role: Annotated[str, typer.Option()], reason: ReasonOption,
                      owner_code: OwnerCodeOption = None,
                      warehouse: WarehouseOption = None) -> None:
    """Ask (admin) to change a user's role; another admin or approver approves it."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_role(target, name, role, owner_code, user, reason))


def _set_disabled(name: str, disabled: bool, warehouse: str | None) -> None:
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    service.user_disable(target, name, disabled, user)
    console.print(f"{name} is {'disabled' if disabled else 'enabled'}", highlight=False)


@steward_app.command("user-disable")
@one_line_errors
@beside_the_service
def steward_user_disable(name: str, warehouse: WarehouseOption = None) -> None:
    """Disable a user (admin): login and every token refused, until re-enabled."""
    _set_disabled(name, True, warehouse)


@steward_app.command("user-enable")
@one_line_errors
@beside_the_service
def steward_user_enable(name: str, warehouse: WarehouseOption = None) -> None:
    """Enable a disabled user again (admin)."""
    _set_disabled(name, False, warehouse)


@steward_app.command("user-delete")
@one_line_errors
@beside_the_service
def steward_user_delete(name: str, warehouse: WarehouseOption = None) -> None:
    """Delete a user with no pending requests (admin); the audit trail keeps its name."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    service.user_delete(target, name, user)
    console.print(f"{name} is deleted", highlight=False)


@steward_app.command("user-list")
@one_line_errors
@beside_the_service
def steward_user_list(warehouse: WarehouseOption = None) -> None:
    """Every user with role, owner code and state (admin)."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    for name, role, owner, disabled, locked_until, created in service.user_list(target, user):
        state = "disabled" if disabled else f"locked until {locked_until:%H:%M}" \
            if locked_until else "enabled"
        console.print(f"{name:<16} {role:<10} {owner or '-':<12} {state:<22} "
                      f"since {created:%Y-%m-%d}", highlight=False)


@steward_app.command("merge")
@one_line_errors
@beside_the_service
def steward_merge(parties: list[str], reason: ReasonOption,
                  warehouse: WarehouseOption = None) -> None:
    """人工强制归并: ask to merge two or more parties (e.g. a suspect group)."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_merge(target, parties, user, reason))


@steward_app.command("split")
@one_line_errors
@beside_the_service
def steward_split(party: str, mentions: Annotated[list[str], typer.Option(
                      "--mention", help="a mention id to take out (repeat)")],
                  reason: ReasonOption,
                  warehouse: WarehouseOption = None) -> None:
    """人工强制拆分: ask to take the chosen mentions out of a party into a party of their own."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_split(target, party, mentions, user, reason))


@steward_app.command("reject-suspect")
@one_line_errors
@beside_the_service
def steward_reject_suspect(parties: list[str], reason: ReasonOption,
                           warehouse: WarehouseOption = None) -> None:
    """Ask to record that suspected parties are different (never suggested again)."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_reject_suspect(target, parties, user, reason))


@steward_app.command("revoke")
@one_line_errors
@beside_the_service
def steward_revoke(request_id: int, reason: ReasonOption,
                   warehouse: WarehouseOption = None) -> None:
    """Ask to stop enforcing an approved merge, split or rejection (automatic result)."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_on_decision(target, "REVOKE", request_id,
                                           user, reason))


@steward_app.command("rollback")
@one_line_errors
@beside_the_service
def steward_rollback(request_id: int, reason: ReasonOption,
                     warehouse: WarehouseOption = None) -> None:
    """Ask to undo a decision and the later ones built on it, restoring earlier parties."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_on_decision(target, "ROLLBACK", request_id,
                                           user, reason))


@steward_app.command("modify")
@one_line_errors
@beside_the_service
def steward_modify(party: str, attribute: Annotated[str, typer.Option()],
                   value: Annotated[str, typer.Option()], reason: ReasonOption,
                   warehouse: WarehouseOption = None) -> None:
    """修改: ask to set a golden attribute (wins until a source sends a newer value)."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_party_change(target, "MODIFY", party, user,
                                            reason, attribute=attribute, value=value))


def _ask_party_change(kind: str, party: str, reason: str, warehouse: str | None) -> None:
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_party_change(target, kind, party, user, reason))


@steward_app.command("deactivate")
@one_line_errors
@beside_the_service
def steward_deactivate(party: str, reason: ReasonOption,
                       warehouse: WarehouseOption = None) -> None:
    """停用: ask to deactivate a customer (kept, excluded from marketing lists)."""
    _ask_party_change("DEACTIVATE", party, reason, warehouse)


@steward_app.command("reactivate")
@one_line_errors
@beside_the_service
def steward_reactivate(party: str, reason: ReasonOption,
                       warehouse: WarehouseOption = None) -> None:
    """Ask to re-activate a deactivated customer (back on marketing lists)."""
    _ask_party_change("REACTIVATE", party, reason, warehouse)


RelationshipTypeOption = Annotated[str, typer.Option(
    "--type", help="the relationship type (reference_data/seeds/relationship_type.csv)")]


def _ask_relationship(action: str, party: str, related: str, relationship_type: str,
                      reason: str, warehouse: str | None, **correction: str | None) -> None:
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_relationship(target, action, party, related, relationship_type,
                                            user, reason, **correction))


@steward_app.command("relationship-add")
@one_line_errors
@beside_the_service
def steward_relationship_add(party: str, related: str, relationship_type: RelationshipTypeOption,
                             reason: ReasonOption, warehouse: WarehouseOption = None) -> None:
    """关系与组合: ask to add a relationship the sources do not show (PARTY is RELATED's …)."""
    _ask_relationship("add", party, related, relationship_type, reason, warehouse)


@steward_app.command("relationship-end")
@one_line_errors
@beside_the_service
def steward_relationship_end(party: str, related: str, relationship_type: RelationshipTypeOption,
                             reason: ReasonOption, warehouse: WarehouseOption = None) -> None:
    """Ask to end a relationship, derived or added by hand (it stays ended at every run)."""
    _ask_relationship("end", party, related, relationship_type, reason, warehouse)


@steward_app.command("relationship-correct")
@one_line_errors
@beside_the_service
def steward_relationship_correct(
        party: str, related: str, relationship_type: RelationshipTypeOption,
        reason: ReasonOption,
        to_related: Annotated[str | None, typer.Option(help="the right related party")] = None,
        to_type: Annotated[str | None, typer.Option(help="the right type")] = None,
        warehouse: WarehouseOption = None) -> None:
    """Ask to replace a wrong relationship by the right one (another party or type)."""
    _ask_relationship("correct", party, related, relationship_type, reason, warehouse,
                      new_related=to_related, new_type=to_type)


@steward_app.command("parent")
@one_line_errors
@beside_the_service
def steward_parent(company: str, reason: ReasonOption,
                   parent: Annotated[str | None, typer.Argument(
                       help="the parent company; leave out with --none")] = None,
                   none: Annotated[bool, typer.Option(
                       "--none", help="the company has no parent company")] = False,
                   warehouse: WarehouseOption = None) -> None:
    """企业层级: ask to set, change or (--none) remove a company's parent company; a
    parent that closes a cycle is refused."""
    from ecif.stewardship import service

    if (parent is None) != none:
        raise UsageError("give a parent company or --none, not both nor neither")
    target, user = _acting(warehouse)
    _requested(service.request_parent(target, company, parent, user, reason))


@steward_app.command("erase")
@one_line_errors
@beside_the_service
def steward_erase(party: str, reason: ReasonOption,
                  warehouse: WarehouseOption = None) -> None:
    """Ask to erase a person's data physically (only a non-personal audit row stays)."""
    _ask_party_change("ERASE", party, reason, warehouse)


@steward_app.command("create")
@one_line_errors
@beside_the_service
def steward_create(name: Annotated[str, typer.Option()], reason: ReasonOption,
                   party_type: Annotated[str, typer.Option()] = "P",
                   id_type: Annotated[str | None, typer.Option()] = None,
                   id_no: Annotated[str | None, typer.Option()] = None,
                   mobile: Annotated[str | None, typer.Option()] = None,
                   warehouse: WarehouseOption = None) -> None:
    """创建: ask to create a customer by hand."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    fields = {"party_type": party_type, "name": name, "id_type": id_type, "id_no": id_no,
              "mobile": mobile}
    _requested(service.request_create(target, fields, user, reason))


@steward_app.command("enhance")
@one_line_errors
@beside_the_service
def steward_enhance(file: Path, reason: ReasonOption,
                    warehouse: WarehouseOption = None) -> None:
    """批量增强: ask to apply a file of confirmed contacts (party_id,attribute,value)."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    _requested(service.request_enhance(target, file, user, reason))


@steward_app.command("approve")
@one_line_errors
@beside_the_service
def steward_approve(request_id: int, note: Annotated[str | None, typer.Option()] = None,
                    rebuild: Annotated[bool, typer.Option(
                        help="then apply the queued decisions at once, as `ecif rebuild` "
                             "does (--no-rebuild: leave them to the runner)")] = True,
                    warehouse: WarehouseOption = None) -> None:
    """审批: approve a request; its rebuild is queued, and (by default) run at once."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    step = service.approve(target, request_id, user, note)
    if step is None:
        console.print(f"request {request_id} approved and applied", highlight=False)
    elif not rebuild:
        console.print(f"request {request_id} approved; its rebuild from {step} is queued "
                      "(`ecif rebuild` applies it)", highlight=False, soft_wrap=True)
    else:
        console.print(f"request {request_id} approved; {_apply_decisions(target)}",
                      highlight=False, soft_wrap=True)


def _apply_decisions(target: wh.Warehouse) -> str:
    from ecif.pipeline import apply_decisions
    from ecif.progress import ProgressDisplay

    with ProgressDisplay() as display:
        return apply_decisions(target, display.update).line()


@steward_app.command("reject")
@one_line_errors
@beside_the_service
def steward_reject(request_id: int, note: Annotated[str | None, typer.Option()] = None,
                   warehouse: WarehouseOption = None) -> None:
    """Reject a pending request."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    service.reject(target, request_id, user, note)
    console.print(f"request {request_id} rejected", highlight=False)


@steward_app.command("tasks")
@one_line_errors
@beside_the_service
def steward_tasks(everyone: Annotated[bool, typer.Option(
                      "--all", help="every user's pending requests, by maker (approvers)")] = False,
                  warehouse: WarehouseOption = None) -> None:
    """The task pool: requests awaiting the user's decision and their own pending ones,
    oldest first, each with how long it has waited."""
    from ecif.stewardship import service

    target, user = _acting(warehouse)
    for task in service.tasks(target, user, everyone):
        console.print(f"{task.request_id:>6}  {task.kind:<15} by {task.requested_by:<12} "
                      f"{task.requested_at:%Y-%m-%d %H:%M}  waiting {_age(task.age):>7}  "
                      f"{task.reason or ''}", highlight=False, markup=False, soft_wrap=True)


def _age(age: timedelta) -> str:
    """3d 04h, 5h 12m, 7m: the two largest units."""
    minutes = int(age.total_seconds()) // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    return f"{days}d {hours:02d}h" if days else f"{hours}h {minutes:02d}m" if hours \
        else f"{minutes}m"


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        if DATE.match(value):
            return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        pass            # 20261399: eight digits, no day
    raise UsageError(f"{option} {value!r}: expected a day as YYYYMMDD")


@steward_app.command("history")
@one_line_errors
@beside_the_service
def steward_history(
    party: Annotated[str | None, typer.Argument(help="a party id")] = None,
    steward: Annotated[str | None, typer.Option(help="actions of this user")] = None,
    since: Annotated[str | None, typer.Option(help="from this day, YYYYMMDD")] = None,
    until: Annotated[str | None, typer.Option(help="through this day, YYYYMMDD")] = None,
    kind: Annotated[str | None, typer.Option(help="a request kind: MERGE, SPLIT, MODIFY, …")]
        = None,
    warehouse: WarehouseOption = None,
) -> None:
    """归并历史: merges, splits, requests, decisions and effects, with when, who and why,
    searched by party, steward, date range (UTC) and kind."""
    from ecif.stewardship import service
    from ecif.stewardship.history import HistoryQuery

    target, user = _acting(warehouse)
    query = HistoryQuery(party_id=party, steward=steward, since=_day(since, "--since"),
                         until=_day(until, "--until"), kind=kind and kind.upper())
    for entry in service.history(target, query, user):
        at = f"{entry.at:%Y-%m-%d %H:%M:%S}" if entry.at else "-"
        console.print(f"{at:<19}  {entry.who:<12} {entry.what:<22} {entry.detail or ''}",
                      highlight=False, markup=False, soft_wrap=True)


@app.command()
@one_line_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    warehouse: WarehouseOption = None,
) -> None:
    """The service interface: identify, customer 360, stewardship (OpenAPI at /openapi.json)
    and the steward pages at /steward/."""
    import uvicorn

    from ecif import ops_log
    from ecif.service.access_log import mask_access_log
    from ecif.service.app import create_app
    from ecif.service.config import from_settings

    chosen = settings.current().overridden(warehouse_url=warehouse)
    service = create_app(from_settings(chosen.warehouse, chosen))
    mask_access_log(service.routes)
    ops_log.event("service listening", host=host, port=port)
    uvicorn.run(service, host=host, port=port)


@app.command("reader-login")
@one_line_errors
def reader_login(warehouse: WarehouseOption = None) -> None:
    """PostgreSQL: create or update the service's reader login `ecif_reader` (asks its
    password); run once as an administrator (README, Security)."""
    from ecif.service.row_security import READER_LOGIN, create_reader

    target = wh.resolve(warehouse)
    if target.kind != "postgres":
        raise UsageError("the reader login is for a PostgreSQL warehouse")
    password = typer.prompt(f"password for {READER_LOGIN}", hide_input=True,
                            confirmation_prompt=True)
    with target.connect() as conn:
        create_reader(conn, password)
    console.print(f"{READER_LOGIN} may now log in and take the application roles; give the "
                  f"service ECIF_SERVICE_READER_URL with this password", highlight=False)


@app.command()
@one_line_errors
@beside_the_service
def report(
    out: Annotated[Path, typer.Option(help="folder for the static HTML site (index.html)")],
    warehouse: WarehouseOption = None,
    dates: DatesOption = None,
) -> None:
    """The quality and statistics reports as a static HTML site (charts as inline SVG), in
    Chinese, and in English under en/."""
    from ecif.report_site.site import write_site

    if dates is not None:
        _dates(dates, DEFAULT_LANGUAGE)
    with wh.resolve(warehouse).connect() as conn:
        pages = write_site(conn, out, dates)
    console.print(f"wrote {len(pages)} pages to {out} (open {out / 'index.html'}; English: "
                  f"{out / 'en' / 'index.html'})", highlight=False)


@app.command()
@one_line_errors
def docs(
    out: Annotated[Path | None, typer.Option(
        help="folder for the site (default: dbt_docs/ in the warehouse's reports folder)")
                   ] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """dbt's documentation of the models (columns, contracts, lineage graph, the
    warehouse's catalog) as one HTML file that opens offline."""
    from ecif.dbt_docs import write_docs
    from ecif.report_folders import reports_root

    target = wh.resolve(warehouse)
    index = write_docs(target, out or reports_root(target) / "dbt_docs")
    console.print(f"wrote dbt's documentation site (open {index})", highlight=False,
                  soft_wrap=True)


events_app = typer.Typer(no_args_is_help=True, help=(
    "The change feed's webhook deliveries (README, Change feed)."))
app.add_typer(events_app, name="events")


@app.command()
@one_line_errors
def dispatch(
    once: Annotated[bool, typer.Option(
        "--once", help="deliver what is due now and stop (tests, cron)")] = False,
    timeout: Annotated[float, typer.Option(min=0.1, help="seconds a receiver has to answer")
                       ] = 10.0,
    max_attempts: Annotated[int, typer.Option(min=1, help="then the event is dead-lettered")
                            ] = 8,
    backoff: Annotated[float, typer.Option(
        min=0.0, help="seconds before the second attempt, doubling after each")] = 2.0,
    warehouse: WarehouseOption = None,
) -> None:
    """Deliver the change events to the webhook subscriptions (long-running). On DuckDB
    a running `ecif serve` delivers them itself: then this says so and waits idle
    (`--once`: exits)."""
    from ecif.events.dispatcher import Policy, Report, dispatch_forever, dispatch_once

    target = wh.resolve(warehouse)
    policy = Policy(timeout=timeout, max_attempts=max_attempts, backoff=backoff)
    deferred_to: int | None = None

    def show(report: Report) -> None:
        nonlocal deferred_to
        if report.deferred_to != deferred_to:       # said once, not every idle round
            if report.deferred_to is None:
                line = "the service is gone: ecif dispatch delivers the change events"
            else:
                line = report.deferral(target) + ("" if once else "; waiting while it runs")
            console.print(line, highlight=False, soft_wrap=True)
            deferred_to = report.deferred_to
        if report.delivered or report.failed_attempts or report.dead_lettered:
            console.print(f"delivered {report.delivered}, failed attempts "
                          f"{report.failed_attempts}, dead-lettered {report.dead_lettered}"
                          + (f", waiting: {', '.join(report.waiting)}" if report.waiting
                             else ""), highlight=False)

    if once:
        show(dispatch_once(target, policy))
        return
    dispatch_forever(target, policy, show)


@app.command()
@one_line_errors
def rebuild(
    watch: Annotated[float | None, typer.Option(
        min=1.0, help="keep running: look for queued decisions every SECONDS")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """The one runner of steward decisions: rebuild from the earliest step the approved
    requests need, publish, mark them APPLIED (or say: nothing queued)."""
    target = wh.resolve(warehouse)
    if watch is None:
        console.print(_apply_decisions(target), highlight=False, soft_wrap=True)
        return
    from ecif.pipeline import apply_decisions
    from ecif.run_lock import WarehouseBusy

    while True:
        try:
            applied = apply_decisions(target)
            if applied.requests:
                console.print(applied.line(), highlight=False, soft_wrap=True)
        except WarehouseBusy as busy:     # a long nightly: the queue waits for the next round
            console.print(f"waiting: {busy}", highlight=False, soft_wrap=True)
        time.sleep(watch)


@events_app.command("dead-letters")
@one_line_errors
@beside_the_service
def events_dead_letters(warehouse: WarehouseOption = None) -> None:
    """Events that were not delivered after the last attempt, not replayed yet."""
    from ecif.events.subscriptions import dead_letters, ensure_tables

    with wh.resolve(warehouse).connect() as conn:
        ensure_tables(conn)
        rows = dead_letters(conn)
    for sub, seq, event_id, attempts, error, at in rows:
        console.print(f"{sub}  seq {seq}  {event_id}  {attempts} attempts  {at}  {error}",
                      highlight=False, soft_wrap=True)
    console.print(f"{len(rows)} dead letter(s)", highlight=False)


@events_app.command("replay")
@one_line_errors
@beside_the_service
def events_replay(
    subscription: Annotated[str, typer.Option(help="the subscription id (S...)")],
    from_seq: Annotated[int, typer.Option("--from", min=1, help="the first seq to send again")],
    warehouse: WarehouseOption = None,
) -> None:
    """Send a subscription's events again from a seq on (the dispatcher does it)."""
    from ecif.events.subscriptions import ensure_tables, replay

    with wh.resolve(warehouse).connect() as conn:
        ensure_tables(conn)
        covered = replay(conn, subscription, from_seq)
    console.print(f"{subscription}: events from seq {from_seq} will be sent again "
                  f"({covered} dead letter(s) among them)", highlight=False)


quarantine_app = typer.Typer(no_args_is_help=True, help=(
    "Sources held out of staging because their new batches failed a critical check "
    "(README, Operations)."))
app.add_typer(quarantine_app, name="quarantine")


@quarantine_app.command("list")
@one_line_errors
@beside_the_service
def quarantine_list(warehouse: WarehouseOption = None) -> None:
    """One line per quarantined batch: system, business date, entity, batch."""
    from ecif.quarantine import held_batches

    with wh.resolve(warehouse).connect() as conn:
        held = held_batches(conn)
    for batch in held:
        console.print(batch.line(), highlight=False)
    console.print(f"{len(held)} batch(es) quarantined", highlight=False)


@quarantine_app.command("release")
@one_line_errors
@beside_the_service
def quarantine_release(system: str, business_date: str, reason: ReasonOption,
                       warehouse: WarehouseOption = None) -> None:
    """Ask to release a source's batches of one date: another user approves
    (`ecif steward approve`), and the rebuild stages them."""
    from ecif.stewardship import service

    if not DATE.match(business_date):
        raise UsageError(f"business date {business_date!r}: expected YYYYMMDD")
    target, user = _acting(warehouse)
    _requested(service.request_release(target, system, business_date, user, reason))


exceptions_app = typer.Typer(no_args_is_help=True, help=(
    "The exception centre, ops.exception (README, Operations): list and show read it; "
    "ack and resolve act as the logged-in steward or admin."))
app.add_typer(exceptions_app, name="exceptions")
NoteOption = Annotated[str | None, typer.Option("--note", help="kept in its history")]


@exceptions_app.command("list")
@one_line_errors
@beside_the_service
def exceptions_list(
    status: Annotated[str | None, typer.Option(
        help="OPEN, ACKNOWLEDGED or RESOLVED (default: open and acknowledged)")] = None,
    severity: Annotated[str | None, typer.Option(help="CRITICAL or WARNING")] = None,
    kind: Annotated[str | None, typer.Option(help="e.g. LANDING_REFUSED, STEP_FAILED")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """One line per exception, newest first."""
    from ecif import exceptions_centre as centre

    for value, allowed, name in ((status, centre.STATUSES, "--status"),
                                 (severity, centre.SEVERITIES, "--severity"),
                                 (kind, centre.KINDS, "--kind")):
        if value is not None and value.upper() not in allowed:
            raise UsageError(f"{name} {value!r}: one of {', '.join(allowed)}")
    with wh.resolve(warehouse).connect() as conn:
        found = centre.listing(conn, status and status.upper(), severity and severity.upper(),
                               kind and kind.upper())
    for exception in found:
        console.print(exception.line(), highlight=False, markup=False, soft_wrap=True)
    console.print(f"{len(found)} exception(s)", highlight=False)


@exceptions_app.command("show")
@one_line_errors
@beside_the_service
def exceptions_show(exception_id: int, warehouse: WarehouseOption = None) -> None:
    """One exception: its line, masked sample, notes and history."""
    from ecif import exceptions_centre as centre

    with wh.resolve(warehouse).connect() as conn:
        found = centre.get(conn, exception_id)
        changes = centre.history(conn, exception_id)
    console.print(found.line(), highlight=False, markup=False, soft_wrap=True)
    console.print(f"first seen {found.first_seen:%Y-%m-%d %H:%M:%S}, sample: "
                  f"{found.sample or '-'}", highlight=False, markup=False, soft_wrap=True)
    for note in (found.notes or "").splitlines():
        console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    for change in changes:
        console.print(f"{change.at:%Y-%m-%d %H:%M:%S}  {change.actor:<12} {change.action:<12} "
                      f"{change.note or ''}", highlight=False, markup=False, soft_wrap=True)


def _exception_act(act: str, exception_id: int, note: str | None, assignee: str | None,
                   warehouse: str | None) -> None:
    from ecif import exceptions_centre as centre
    from ecif.cli_session import current_user
    from ecif.stewardship.users import StewardshipError
    from ecif.translation import N_

    target = wh.resolve(warehouse)
    user = current_user(target)
    if user.role not in centre.HANDLERS:
        raise StewardshipError(N_("{user} is a {role}: only {roles} handle exceptions"),
                               user=user.name, role=user.role,
                               roles=" and ".join(centre.HANDLERS))
    with target.connect() as conn:
        done = centre.ACTS[act](conn, exception_id, user.name, note, assignee)
    console.print(f"exception {exception_id} {done.status.lower()}"
                  + (f", assigned to {done.assignee}" if done.assignee else ""),
                  highlight=False)


@exceptions_app.command("ack")
@one_line_errors
@beside_the_service
def exceptions_ack(exception_id: int, note: NoteOption = None,
                   assignee: Annotated[str | None, typer.Option(
                       help="who is on it (default: you)")] = None,
                   warehouse: WarehouseOption = None) -> None:
    """Acknowledge: someone is on it."""
    _exception_act("ack", exception_id, note, assignee, warehouse)


@exceptions_app.command("resolve")
@one_line_errors
@beside_the_service
def exceptions_resolve(exception_id: int, note: NoteOption = None,
                       warehouse: WarehouseOption = None) -> None:
    """Resolve: dealt with (it opens again if it recurs)."""
    _exception_act("resolve", exception_id, note, None, warehouse)


@app.command()
@one_line_errors
def logs(run: Annotated[str, typer.Option("--run", help="the run id whose lines to print")],
         warehouse: WarehouseOption = None) -> None:
    """Print one run's lines of the operations log (JSON, one per line)."""
    from ecif.ops_log import lines_of_run, log_file

    found = 0
    for line in lines_of_run(log_file(wh.resolve(warehouse)), run):
        typer.echo(line)
        found += 1
    if not found:
        raise UsageError(f"no log lines for run {run} in {log_file(wh.resolve(warehouse))}")


@app.command()
@one_line_errors
def backup(
    out: Annotated[Path, typer.Option("--out", help="folder that holds the backups")],
    warehouse: WarehouseOption = None,
    keep: Annotated[int | None, typer.Option(
        min=1, help="keep only the newest N backups in --out (default ECIF_BACKUP_KEEP, "
                    "else all)")] = None,
) -> None:
    """A consistent backup of the warehouse with its manifest (encrypted with
    ECIF_BACKUP_KEY when set; README, Operations)."""
    from ecif.backup import backup as take_backup

    chosen = settings.current().overridden(warehouse_url=warehouse, backup_keep=keep)
    folder = take_backup(chosen.warehouse, out, chosen.backup_keep)
    console.print(f"backup written to {folder}", highlight=False)


@app.command("archive")
@one_line_errors
def archive_command(
    warehouse: WarehouseOption = None,
    retention_days: Annotated[int | None, typer.Option(
        "--retention-days", min=1, help="archive rows older than this many days "
        "(default: ECIF_RAW_RETENTION_DAYS, else 90)")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="the archive folder (default: ECIF_ARCHIVE, else beside the "
                      "warehouse)")] = None,
) -> None:
    """Move the raw rows past retention that no longer shape the current state to
    Parquet files (`ecif run` does it after publishing; README, Operations)."""
    from ecif.archive import archive_raw

    report = archive_raw(wh.resolve(warehouse), out, retention_days)
    console.print(report.line(), highlight=False, soft_wrap=True)


@app.command()
@one_line_errors
def restore(
    source: Annotated[Path, typer.Option("--from", help="a backup folder, or the --out "
                                                        "folder of backups (its newest)")],
    warehouse: WarehouseOption = None,
    force: Annotated[bool, typer.Option("--force", help="replace a warehouse that holds "
                                                        "tables")] = False,
) -> None:
    """Restore a backup and check every table against its manifest."""
    from ecif.backup import restore as put_back

    folder, checked = put_back(wh.resolve(warehouse), source, force)
    console.print(f"restored {folder}: {checked} tables match the manifest", highlight=False)


if __name__ == "__main__":
    app()
