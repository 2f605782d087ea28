"""One matching run: cluster the mentions, keep party IDs stable, record what changed.

Reads `intermediate.int_party_mention` and `matching.link_constraint`; scores with
the saved models (matching/models/*.json) and the thresholds of
reference_data/match_thresholds.csv; writes, in one transaction:
- `matching.party_mention`: mention_id → party_id (the current assignment),
- `matching.person_suspect`: person party pairs for review, with their scores,
  grouped into review tasks and bounded (matching.review_tasks),
- `matching.suspect_group_member`: organization suspect groups (outputs.md §2),
- `matching.merge_history`: merges and splits against the previous run,
- `matching.match_run`: one row per run with its counts,
- `matching.party_id_sequence`: the next fresh id number,
- the state a later run builds on (matching.state).
Evidence for stewards (match-weight charts, cluster studio) goes to report_dir.

A night (DELTA) finds the new, changed and deleted mentions by their fingerprints,
scores only pairs with a new or changed mention (or one whose mobile's frequency
changed), and clusters again only the region around what changed (matching.regions);
every other mention keeps its party. The result equals a run from scratch (FULL) on
the same data, which happens when asked (`full`), when there is no stored state, or
when the models or thresholds changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ecif.warehouse import Connection, write_frame
from matching import regions, state
from matching.link_constraints import ensure_table, load_constraints
from matching.mentions import (
    contract_links,
    fetch_arrow,
    load_contract_links,
    load_mentions,
    local_duckdb,
)
from matching.merge_history import merge_split_events
from matching.org_clusters import cluster_orgs, suspect_groups
from matching.person_clusters import cluster_persons
from matching.person_model import MOBILE_NAMES
from matching.review_tasks import expected_precision, review_queue
from matching.scoring import model_linker, score_pairs
from matching.stable_ids import assign_party_ids
from matching.thresholds import Thresholds, load_thresholds
from matching.training import MODEL_FILES

# the run_id of the matching.party_mention rows of the parties identification creates
IDENTIFY_RUN = "identify"

log = logging.getLogger(__name__)

_FRAME_COLUMNS = ("mention_id, party_type, strong_key, org_code, valid_id_type, valid_id_no, "
                  "gender, birth_year, branch_marker, org_name_key, org_reg_area")
# Mentions clustered together at most (whole components): bounds a run's memory.
BATCH_MENTIONS = 500_000


@dataclass(frozen=True)
class MatchReport:
    run_id: str
    mentions: int
    parties: int
    merges: int
    splits: int
    person_suspects: int        # pairs in the review queue
    review_tasks: int
    queue_precision: float | None   # the share of the queue's pairs expected to be one
    suspect_groups: int
    mode: str                   # FULL: from scratch; DELTA: on the stored state
    settings_hash: str          # of the models and thresholds (matching.state)
    rescored: int               # mentions whose pairs were scored
    reclustered: int            # mentions clustered again
    finished_at: datetime       # UTC; dates the run's merges and splits in steward history


def run_matching(conn: Connection, run_id: str, report_dir: Path | None = None,
                 models: dict[str, Path] = MODEL_FILES, full: bool = False) -> MatchReport:
    thresholds = load_thresholds()
    ensure_table(conn)
    constraints = load_constraints(conn)
    settings_hash = state.settings_hash(models)
    reason = "asked for" if full else state.from_scratch_reason(conn, settings_hash)
    if reason:
        log.info("matching from scratch: %s", reason)
    local = local_duckdb()
    try:
        n = load_mentions(conn, local)
        load_contract_links(conn, local)
        local.register("constraints", constraints)
        state.load(conn, local, empty=reason is not None)
        local.register("previous_party", _previous_assignment(conn))
        rescored = _changes(local)
        # the stored pairs whose mentions are unchanged; scoring adds the others
        local.execute("""
            create table new_match_edge as
            with stale as (select mention_id from mentions where uid in (select uid from rescore)
                           union select mention_id from deleted)
            select * from state_match_edge
            where mention_id_l not in (select mention_id from stale)
              and mention_id_r not in (select mention_id from stale)""")
        for party_type, minimum in (("P", thresholds.person_suspect),
                                    ("O", thresholds.org_suspect)):
            _score(local, party_type, models[party_type], minimum,
                   rescore=None if reason else f"rescore_{party_type}")
        regions.components(local, n, thresholds.person_merge)
        reclustered = regions.region(local, BATCH_MENTIONS, everything=reason is not None)
        clusters = _cluster_region(local, constraints, thresholds)
        previous = local.sql("select mention_id, party_id from previous_party where mention_id "
                             "in (select mention_id from region union "
                             "select mention_id from deleted)").df()
        assigned, next_number = assign_party_ids(clusters, previous, _next_id_number(conn))
        history = merge_split_events(previous, assigned, run_id)
        local.register("assigned", assigned)
        _new_state(local)
        person_suspects = review_queue(
            local, local.execute(_PERSON_SUSPECTS, [run_id]).df().astype(
                {"mention_pairs": "int64"}),
            models["P"], thresholds, local.execute(
                "select count(distinct party_id) from assignment where party_type = 'P'"
            ).fetchall()[0][0])
        groups = _suspect_groups(local, thresholds).assign(run_id=run_id)
        if report_dir is not None:
            _evidence(local, report_dir, models)
        report = MatchReport(
            run_id=run_id, mentions=n,
            parties=local.execute("select count(distinct party_id) from assignment"
                                  ).fetchall()[0][0],
            merges=int((history["event"] == "MERGE").sum()),
            splits=int((history["event"] == "SPLIT").sum()),
            person_suspects=len(person_suspects),
            review_tasks=person_suspects["review_task_id"].nunique(),
            queue_precision=expected_precision(person_suspects),
            suspect_groups=groups["suspect_group_id"].nunique(),
            mode="FULL" if reason else "DELTA", settings_hash=settings_hash,
            rescored=rescored, reclustered=reclustered,
            finished_at=datetime.now(UTC).replace(tzinfo=None))
        state.ensure_run_columns(conn)
        with conn.transaction():
            _write_assignment(conn, local, run_id, delta=reason is None)
            state.write(conn, local, touched=None if reason else "touched")
            write_frame(conn, "matching", "person_suspect", person_suspects)
            write_frame(conn, "matching", "suspect_group_member", groups)
            write_frame(conn, "matching", "merge_history", history, replace=False)
            write_frame(conn, "matching", "party_id_sequence",
                        pd.DataFrame({"next_number": [next_number]}))
            write_frame(conn, "matching", "match_run", pd.DataFrame([report.__dict__]).astype(
                {"queue_precision": "float64"}), replace=False)
    finally:
        local.close()
    return report


def _changes(local) -> int:
    """Tables `rescore_P`, `rescore_O` (uid: mentions whose pairs are scored again),
    `deleted` (mention_id), `seeds` (uid: where the region starts) in `local`."""
    local.execute("""
        create or replace table new_fingerprint as
        -- DuckDB's hash of the row: 15 times faster than an md5 of its text; a DuckDB
        -- that hashes otherwise only makes one night rescore everything
        select mention_id, party_type, cast(hash(m) as varchar) as fingerprint
        from (select * exclude (uid) from mentions) as m""")
    local.execute(f"""
        create or replace table new_mobile_name_count as
        select md5(mobile) as mobile_key, names from ({MOBILE_NAMES})""")
    local.execute("""
        create or replace table rescore as
        select uid, party_type from mentions
        where mention_id in (select mention_id from new_fingerprint except
                             select mention_id from state_mention_state as s
                             join new_fingerprint as f using (mention_id, fingerprint))
           -- a mobile's term frequency changed: its pairs score differently
           or (party_type = 'P' and md5(mobile) in (
               select mobile_key from (select * from new_mobile_name_count
                                       except select * from state_mobile_name_count)
               union select mobile_key from (select * from state_mobile_name_count
                                             except select * from new_mobile_name_count)))""")
    for party_type in "PO":
        local.execute(f"create or replace table rescore_{party_type} as "
                      f"select uid from rescore where party_type = '{party_type}'")
    local.execute("""
        create or replace table deleted as
        select mention_id from state_mention_state
        where mention_id not in (select mention_id from mentions)""")
    local.execute("""
        create or replace table new_contract_link_state as
        select a.mention_id as mention_id_a, b.mention_id as mention_id_b
        from contract_links join mentions as a on a.uid = contract_links.a
        join mentions as b on b.uid = contract_links.b""")
    local.execute("""
        create or replace table new_constraint_state as
        select mention_id_a, mention_id_b, kind from constraints""")
    local.execute("""
        create or replace table seeds as
        with changed_links as (
            (select * from new_contract_link_state except select * from state_contract_link_state)
            union all
            (select * from state_contract_link_state except select * from new_contract_link_state)),
        changed_constraints as (
            (select * from new_constraint_state except select * from state_constraint_state)
            union all
            (select * from state_constraint_state except select * from new_constraint_state)),
        -- parties changed outside matching (a steward's rollback)
        moved as (
            select mention_id from state_mention_state as s
            left join previous_party as p using (mention_id)
            where p.party_id is distinct from s.party_id)
        select uid from rescore
        union select uid from mentions where mention_id in (
            select mention_id_a from changed_links union select mention_id_b from changed_links
            union select mention_id_a from changed_constraints
            union select mention_id_b from changed_constraints
            union select mention_id from moved)""")
    return int(local.execute("select count(*) from rescore").fetchall()[0][0])


def _score(local, party_type: str, model: Path, minimum: float, rescore: str | None
           ) -> None:
    """Score the pairs of the mentions to rescore (all with rescore None) into
    `new_match_edge`. Suspect flags are set later, by the clustering."""
    local.register("scored_pairs", score_pairs(local, party_type, model, minimum, rescore))
    try:
        local.execute("""
            insert into new_match_edge
            select ?, l.mention_id, r.mention_id, match_weight, match_probability,
                   corroborated, false
            from scored_pairs join mentions as l on l.uid = uid_l
            join mentions as r on r.uid = uid_r""", [party_type])
    finally:
        local.unregister("scored_pairs")


def _cluster_region(local, constraints: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """mention_id, party_type, cluster (its smallest mention_id) for the region's mentions,
    batch by batch; sets the suspect flag of every person edge that touches the region."""
    local.execute("""
        update new_match_edge set suspect = false
        where mention_id_l in (select mention_id from region)
           or mention_id_r in (select mention_id from region)""")
    batches = [b for (b,) in local.execute("select distinct batch from region order by 1"
                                           ).fetchall()]
    found = [pd.DataFrame({c: pd.Series(dtype="str")
                           for c in ("mention_id", "party_type", "cluster")})]
    for batch in batches:
        local.execute("create or replace table batch_nodes as "
                      "select uid, mention_id from region where batch = ?", [batch])
        found.append(_cluster_persons(local, constraints, thresholds))
        found.append(_cluster_orgs(local, constraints))
    return pd.concat(found, ignore_index=True)


def _batch_frame(local, party_type: str, partners: str = "") -> pd.DataFrame:
    """The batch's mentions of one party type (and partners: other mentions its pairs
    reach), renumbered by mention_id: uid 0..n-1; `in_batch` marks the batch's own."""
    local.execute(f"""
        create or replace table batch_frame as
        select row_number() over (order by mention_id) - 1 as uid, uid as global_uid,
               uid in (select uid from batch_nodes) as in_batch, {_FRAME_COLUMNS}
        from mentions
        where party_type = '{party_type}'
          and (uid in (select uid from batch_nodes){partners})
        order by mention_id""")
    return local.sql("select * from batch_frame").to_arrow_table().to_pandas()


def _cluster_persons(local, constraints: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    local.execute("""
        create or replace table batch_edges as select * from new_match_edge
        where party_type = 'P' and (
            mention_id_l in (select mention_id from batch_nodes)
            or mention_id_r in (select mention_id from batch_nodes))""")
    frame = _batch_frame(local, "P", " or mention_id in (select mention_id_l from batch_edges "
                                     "union select mention_id_r from batch_edges)")
    if not frame["in_batch"].any():
        return _canonical(frame, pd.Series(dtype="int64"))
    pairs = local.sql("""
        select l.uid as uid_l, r.uid as uid_r, match_weight, match_probability, corroborated
        from batch_edges join batch_frame as l on l.mention_id = mention_id_l
        join batch_frame as r on r.mention_id = mention_id_r
        order by uid_l, uid_r""").df()
    links = local.sql("""
        select l.uid as a, r.uid as b from contract_links
        join batch_frame as l on l.global_uid = contract_links.a
        join batch_frame as r on r.global_uid = contract_links.b
        where contract_links.party_type = 'P'
        order by a, b""").df()
    labels, suspects = cluster_persons(frame, pairs, links, constraints,
                                       thresholds.person_merge, len(frame),
                                       thresholds.person_birth_max_years_apart)
    mention_of = frame["mention_id"].to_numpy()
    local.register("suspects", pd.DataFrame({
        "mention_id_l": mention_of[suspects["uid_l"].to_numpy()],
        "mention_id_r": mention_of[suspects["uid_r"].to_numpy()]}))
    try:
        local.execute("""
            update new_match_edge set suspect = true
            from suspects
            where new_match_edge.party_type = 'P'
              and new_match_edge.mention_id_l = suspects.mention_id_l
              and new_match_edge.mention_id_r = suspects.mention_id_r""")
    finally:
        local.unregister("suspects")
    return _canonical(frame, labels)


def _cluster_orgs(local, constraints: pd.DataFrame) -> pd.DataFrame:
    frame = _batch_frame(local, "O")
    if frame.empty:
        return _canonical(frame, pd.Series(dtype="int64"))
    return _canonical(frame, cluster_orgs(frame, constraints, len(frame)))


def _canonical(frame: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """The batch's own mentions with their cluster named by its smallest mention_id: a
    name that does not depend on which mentions were loaded with it."""
    own = frame.loc[frame["in_batch"], ["mention_id", "party_type", "uid"]]
    label = labels.reindex(own["uid"].to_numpy()).to_numpy()
    # str columns kept (not NumPy objects): pandas groups those many times faster
    return own.assign(cluster=own.groupby(label)["mention_id"].transform("min")
                      ).drop(columns="uid").reset_index(drop=True)


def _new_state(local) -> None:
    """Tables `assignment` (every mention's party); `touched`: the mentions whose stored
    rows this run replaces; `new_mention_state`: their rows (every mention's from
    scratch, where the region is every mention)."""
    local.execute("""
        create or replace table assignment as
        select mention_id, party_type, party_id from assigned
        union all
        select m.mention_id, m.party_type, p.party_id from mentions as m
        join previous_party as p using (mention_id)
        where m.uid not in (select uid from region)""")
    local.execute("create or replace table touched as select mention_id from region "
                  "union select mention_id from deleted")
    # the region's mentions only: the others' stored rows stand, and joining every
    # mention's fingerprint, component and party costs a night what a run from
    # scratch pays
    local.execute("""
        create or replace table new_mention_state as
        select mention_id, party_type, fingerprint, component, party_id
        from region join new_fingerprint using (mention_id) join component using (mention_id)
        join assigned using (mention_id, party_type)""")


_PERSON_SUSPECTS = """
    with pairs as (
        select least(a.party_id, b.party_id) as party_id_a,
               greatest(a.party_id, b.party_id) as party_id_b,
               match_weight, match_probability,
               -- the best mention pair, ties broken by the ids: a night and a run from
               -- scratch pick the same one
               struct_pack(w := match_weight, l := e.mention_id_l, r := e.mention_id_r)
                   as best
        from new_match_edge as e
        join assignment as a on a.mention_id = e.mention_id_l
        join assignment as b on b.mention_id = e.mention_id_r
        where e.party_type = 'P' and e.suspect)
    select party_id_a, party_id_b, max(match_weight) as match_weight,
           max(match_probability) as match_probability, count(*) as mention_pairs,
           ? as run_id, max(best).l as mention_id_l, max(best).r as mention_id_r
    from pairs group by party_id_a, party_id_b
    order by party_id_a, party_id_b"""


def _suspect_groups(local, thresholds: Thresholds) -> pd.DataFrame:
    """Organization suspect groups over every organization, from the stored pairs."""
    orgs = local.sql(f"""
        select uid, {_FRAME_COLUMNS}, party_id from mentions
        join assignment using (mention_id, party_type)
        where party_type = 'O' order by uid""").to_arrow_table().to_pandas()
    pairs = local.sql("""
        select l.uid as uid_l, r.uid as uid_r, match_weight, match_probability
        from new_match_edge join mentions as l on l.mention_id = mention_id_l
        join mentions as r on r.mention_id = mention_id_r
        where new_match_edge.party_type = 'O' order by uid_l, uid_r""").df()
    party_of = pd.Series(orgs["party_id"].to_numpy(), index=orgs["uid"].to_numpy())
    return suspect_groups(pairs, orgs, party_of, thresholds.org_name_rule,
                          contract_links(local, "O"))


def _evidence(local, report_dir: Path, models: dict[str, Path]) -> None:
    """Evidence with the models as saved (a night's linkers compare only what changed)."""
    from matching.evidence import write_evidence

    write_evidence(report_dir, *(model_linker(local, party_type, models[party_type])
                                 for party_type in ("P", "O")))


def _write_assignment(conn: Connection, local, run_id: str, delta: bool) -> None:
    """matching.party_mention: whole from scratch; on a night, the touched mentions'
    rows (the others keep theirs, with the run that last changed them)."""
    rows = local.sql("select mention_id, party_type, party_id from assignment "
                     + ("where mention_id in (select mention_id from touched) " if delta else "")
                     + "order by mention_id").to_arrow_table().to_pandas().assign(run_id=run_id)
    if delta and conn.table_exists("matching", "party_mention"):
        state.replace_rows(conn, "party_mention",
                           local.sql("select mention_id from touched").df(),
                           ("mention_id",), rows)
    else:
        write_frame(conn, "matching", "party_mention",
                    pd.concat([rows, _created_by_identify(conn, rows)], ignore_index=True))


def _created_by_identify(conn: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """From scratch: the rows identification (ecif.service.identify) wrote for parties
    whose mention this run has not seen (created after the staging build), kept as they
    are: the next night, which sees the mention, keeps their id from them, as a night
    does for any party identification created. On PostgreSQL the table is locked
    against identification's inserts first, so none commits between this read and the
    rewrite (one that waits lands in the rewritten table)."""
    if not conn.table_exists("matching", "party_mention"):
        return rows.iloc[:0]
    if conn.kind == "postgres":
        conn.execute("lock table matching.party_mention in share mode")
    created = pd.DataFrame(conn.fetchall(
        "select mention_id, party_type, party_id, run_id from matching.party_mention "
        f"where run_id = '{IDENTIFY_RUN}'"), columns=["mention_id", "party_type", "party_id",
                                                      "run_id"], dtype="object")
    return created[~created["mention_id"].isin(rows["mention_id"])]


def _previous_assignment(conn: Connection) -> pa.Table:
    """mention_id, party_id as matching.party_mention holds them (Arrow: not a Python
    string per mention)."""
    if not conn.table_exists("matching", "party_mention"):
        return pa.table({"mention_id": pa.array([], pa.string()),
                         "party_id": pa.array([], pa.string())})
    return fetch_arrow(conn, "select mention_id, party_id from matching.party_mention",
                       ("mention_id", "party_id"))


def _next_id_number(conn: Connection) -> int:
    if not conn.table_exists("matching", "party_id_sequence"):
        return 1
    return int(conn.scalar("select next_number from matching.party_id_sequence"))
