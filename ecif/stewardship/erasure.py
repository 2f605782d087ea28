"""Erasure of a person's data on request (physical deletion).

Rows that are the person's own record (a core customer, a telesales lead, a manual
customer) are deleted; in rows shared with others (an underwriting case, a claim,
a receipt, a payout) the person's fields are emptied. Snapshots, overrides and the
audit details about the party go too; the only trace left is an audit row saying
that party P was erased by request R, with no personal value. The rebuild that
follows (staging, matching, marts) removes the person from every derived table.
"""

from __future__ import annotations

from ecif.staging_state import forget_processed
from ecif.stewardship.audit import log
from ecif.stewardship.mentions import mentions_of
from ecif.warehouse import Connection

# per mention kind: (raw table, key column, columns holding the person's data, or
# None when the whole row is the person's)
PERSONAL_FIELDS: dict[tuple[str, str, str], tuple[str, str, tuple[str, ...] | None]] = {
    ("core", "customer", "customer"): ("raw.core__customer", "cust_no", None),
    ("telesales", "lead", "lead"): ("raw.telesales__lead", "lead_id", None),
    ("uw", "uw_case", "applicant"): ("raw.uw__uw_case", "case_id", (
        "applicant_name", "applicant_id_no", "applicant_birth_date", "applicant_mobile")),
    ("uw", "uw_case", "insured"): ("raw.uw__uw_case", "case_id", (
        "insured_name", "insured_id_no", "insured_birth_date")),
    ("claims", "claim", "claimant"): ("raw.claims__claim", "claim_no", (
        "claimant_name", "claimant_id_no", "claimant_mobile", "report_phone", "reporter_name",
        "loss_description")),
    ("finance", "receipt", "payer"): ("raw.finance__receipt", "receipt_no", (
        "payer_name", "payer_id_no", "payer_account_no")),
    ("finance", "payout", "payee"): ("raw.finance__payout", "payout_no", (
        "payee_name", "payee_id_no", "payee_account_no")),
}
SNAPSHOTS = ("snapshots.customer_history", "snapshots.customer_contact_history")


def erase_party(conn: Connection, party_id: str, user: str, request_id: int) -> None:
    mobiles = [r[0] for r in conn.fetchall(
        "select distinct mobile from intermediate.int_mention_party "
        "where party_id = ? and mobile is not null", [party_id])]
    # requests about the party may carry its values (a modification, a manual creation)
    conn.execute("update stewardship.request set payload = '{\"erased\": true}', "
                 "reason = '[erased]' where payload like ? or request_id in ("
                 "select request_id from stewardship.manual_customer where manual_key in ("
                 "select split_part(mention_id, '|', 3) from matching.party_mention "
                 "where party_id = ? and mention_id like 'steward|%'))",
                 [f'%"{party_id}"%', party_id])
    # raw rows changed in place: the next staging build rebuilds these entities
    changed = {("telesales", "contact_event")} if mobiles else set()
    for mention_id in mentions_of(conn, party_id):
        system, entity, key, role = mention_id.split("|")
        if system != "steward":
            changed.add((system, entity))
        if system == "steward":
            conn.execute("delete from stewardship.manual_customer where manual_key = ?", [key])
            continue
        table, key_column, fields = PERSONAL_FIELDS[(system, entity, role)]
        if fields is None:
            conn.execute(f"delete from {table} where trim({key_column}) = ?", [key])
        else:
            blanks = ", ".join(f"{field} = null" for field in fields)
            conn.execute(f"update {table} set {blanks} where trim({key_column}) = ?", [key])
    for mobile in mobiles:
        # calls from the person's number keep their content, not the number
        conn.execute("update raw.telesales__contact_event set mobile = null "
                     "where regexp_replace(mobile, '[^0-9]', '', 'g') like ?", [f"%{mobile}"])
    forget_processed(conn, changed)
    for snapshot in SNAPSHOTS:
        if conn.table_exists(*snapshot.split(".")):
            conn.execute(f"delete from {snapshot} where party_id = ?", [party_id])
    conn.execute("delete from stewardship.attribute_override where party_id = ?", [party_id])
    conn.execute("update stewardship.audit_log set detail = '[erased]' where party_id = ?",
                 [party_id])
    log(conn, user, "ERASED", request_id=request_id, party_id=party_id,
        detail="personal data erased; party id and request kept")
