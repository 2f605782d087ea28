"""Business dates against the clock: which dates may load and which waits are overdue.

A folder date that is no real day (20261199) or lies after today (20991231) is
refused: loaded, it would set every history row's validity to that day and make
every real day after it look like an out-of-order re-delivery. "Today" is the
business day in Shanghai; callers (and tests) pass their own to fix the clock.

A delivery still incomplete `wait_deadline_days` after its business date
(reference_data/seeds/landing_parameter.csv) is overdue: the run says so and
`ecif run` exits 3 so that the scheduler notices.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ecif.landing.control_file import SHANGHAI
from ecif.landing.refusal import FileRefused
from ecif.reference import read_seed


def business_today() -> date:
    return datetime.now(SHANGHAI).date()


def parse(business_date: str) -> date | None:
    """The day a YYYYMMDD folder names, or None when it names no day."""
    try:
        return datetime.strptime(business_date, "%Y%m%d").date()
    except ValueError:
        return None


def date_refusal(business_date: str, today: date) -> FileRefused | None:
    day = parse(business_date)
    if day is None:
        return FileRefused(f"business date {business_date} is not a real date",
                           field="business_date")
    if day > today:
        return FileRefused(f"business date {business_date} is later than today "
                           f"({today:%Y%m%d})", field="business_date")
    return None


def wait_deadline_days() -> int:
    values = {r["parameter"]: r["value"] for r in read_seed("landing_parameter")}
    return int(values["wait_deadline_days"])


def is_overdue(business_date: str, today: date, deadline_days: int) -> bool:
    day = parse(business_date)
    return day is not None and today > day + timedelta(days=deadline_days)
