"""The rebuilds that steward decisions wait for. An approval only records the decision
and its effect (ecif.stewardship); a request whose effect the published data does not
show yet stays APPROVED, and the approved requests are the queue. The one runner
(ecif.pipeline.apply_decisions, `ecif rebuild`) and every nightly run that publishes
rebuild and mark them APPLIED with the publication. Stewardship queues and the pipeline
drains; neither imports the other, both import this."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from ecif.warehouse import Connection

# the pipeline steps in the order they run; a rebuild from one runs the later ones too
STEPS = ("staging", "matching", "marts")
# the earliest step a request's effect needs: staging, the mentions change (manual
# customers, erased rows); matching, identities; marts, golden values, statuses and
# links; None, no customer data changes (applied when approved). RELEASE: a source's
# quarantined batches enter staging (ecif.quarantine)
REBUILD = {
    "MERGE": "matching", "SPLIT": "matching", "REJECT_SUSPECT": "matching",
    "REVOKE": "matching", "ROLLBACK": "matching", "CREATE": "staging", "ERASE": "staging",
    "MODIFY": "marts", "DEACTIVATE": "marts", "REACTIVATE": "marts", "ENHANCE": "marts",
    "RELATIONSHIP": "marts", "PARENT": "marts", "ROLE": None, "RELEASE": "staging",
}
QUEUED = "APPROVED"
APPLIED = "APPLIED"
# a decision that holds: approved, whether or not its rebuild has been published yet
IN_FORCE = (QUEUED, APPLIED)


def queued(conn: Connection, decided_before: datetime | None = None) -> dict[int, str | None]:
    """The queue, oldest first: request id → the earliest step its effect needs.
    decided_before (UTC): only the decisions taken before then, those a run that started
    then has certainly built with."""
    before = decided_before.astimezone(UTC).replace(tzinfo=None) if decided_before else None
    return {request_id: REBUILD[kind] for request_id, kind in conn.fetchall(
        "select request_id, kind from stewardship.request where status = ? "
        "and (cast(? as timestamp) is null or decided_at < ?) order by request_id",
        [QUEUED, before, before])}


def earliest(steps: Iterable[str | None]) -> str | None:
    """The step one rebuild must start from to show every one of `steps`."""
    needed = [STEPS.index(step) for step in steps if step is not None]
    return STEPS[min(needed)] if needed else None


def mark_applied(conn: Connection, request_ids: Collection[int]) -> None:
    """Only those still queued: one revoked or rolled back meanwhile keeps that status."""
    for request_id in request_ids:
        conn.execute("update stewardship.request set status = ? "
                     "where request_id = ? and status = ?", [APPLIED, request_id, QUEUED])
