"""The source extract contract (shared/specs/source-extracts.md) as data.

One place says which systems send which entities, in which file format, with
which columns and key: the generator writes by it, the landing loader checks by
it, and dbt sources are declared from the same column lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ecif.reference import read_seed

SYSTEMS = ("core", "uw", "claims", "telesales", "finance")

FileFormat = Literal["pipe", "csv", "jsonl", "tsv"]


@dataclass(frozen=True)
class SystemFormat:
    system: str
    file_format: FileFormat
    encoding: Literal["GBK", "UTF-8"]
    extension: str
    line_end: str  # what the writer uses; readers accept CRLF or LF for csv/jsonl


@dataclass(frozen=True)
class EntitySpec:
    system: str
    entity: str
    key: str
    columns: tuple[str, ...]  # in file order; `op` is always last

    @property
    def raw_table(self) -> str:
        return f"{self.system}__{self.entity}"

    @property
    def fmt(self) -> SystemFormat:
        return FORMATS[self.system]

    @property
    def file_name(self) -> str:
        return f"{self.entity}.{self.fmt.extension}"


FORMATS: dict[str, SystemFormat] = {
    "core": SystemFormat("core", "pipe", "GBK", "dat", "\r\n"),
    "uw": SystemFormat("uw", "csv", "UTF-8", "csv", "\n"),
    "claims": SystemFormat("claims", "csv", "UTF-8", "csv", "\n"),
    "telesales": SystemFormat("telesales", "jsonl", "UTF-8", "jsonl", "\n"),
    "finance": SystemFormat("finance", "tsv", "UTF-8", "tsv", "\n"),
}


def _cols(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.replace("|", ",").replace("\t", ",").split(","))


ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec("core", "customer", "cust_no", _cols(
        "cust_no|cust_type|name|id_type|id_no|gender|birth_date|mobile|phone|email|province|city|"
        "district|address|postcode|occupation_code|industry_code|legal_rep|parent_cust_no|"
        "agent_code|created_date|updated_date|op")),
    EntitySpec("core", "policy", "policy_no", _cols(
        "policy_no|product_code|product_line|holder_cust_no|insured_cust_no|effective_date|"
        "expiry_date|premium|sum_insured|status|channel|agent_code|branch_code|vehicle_plate|"
        "updated_date|op")),
    EntitySpec("uw", "uw_case", "case_id", _cols(
        "case_id,policy_no,applicant_name,applicant_id_type,applicant_id_no,applicant_gender,"
        "applicant_birth_date,applicant_mobile,insured_name,insured_id_type,insured_id_no,"
        "insured_gender,insured_birth_date,risk_class,decision,decision_date,underwriter_id,op")),
    EntitySpec("claims", "claim", "claim_no", _cols(
        "claim_no,policy_no,report_time,report_phone,reporter_name,claimant_name,"
        "claimant_id_type,claimant_id_no,claimant_gender,claimant_mobile,loss_date,loss_cause,"
        "loss_description,claim_amount,paid_amount,status,closed_time,op")),
    EntitySpec("telesales", "lead", "lead_id", _cols(
        "lead_id, name, mobile, gender, birth_year, city, campaign, consent_marketing, "
        "do_not_call, assigned_seat, created_at, updated_at, op")),
    EntitySpec("telesales", "contact_event", "event_id", _cols(
        "event_id, lead_id, mobile, event_type, channel, occurred_at, outcome, seat_id, note, op")),
    EntitySpec("finance", "receipt", "receipt_no", _cols(
        "receipt_no\tpolicy_no\tpayer_name\tpayer_id_type\tpayer_id_no\tpayer_account_no\t"
        "payer_bank\tamount_fen\tpay_date\tpay_method\top")),
    EntitySpec("finance", "payout", "payout_no", _cols(
        "payout_no\tclaim_no\tpayee_name\tpayee_id_type\tpayee_id_no\tpayee_account_no\t"
        "payee_bank\tamount_fen\tpay_date\top")),
)

BY_FILE: dict[tuple[str, str], EntitySpec] = {(e.system, e.file_name): e for e in ENTITIES}
BY_NAME: dict[tuple[str, str], EntitySpec] = {(e.system, e.entity): e for e in ENTITIES}

# Lineage columns every raw table carries after the source columns.
RAW_META_COLUMNS = (
    "_batch_id",       # "<system>__<entity>__<YYYYMMDD>"
    "_business_date",  # YYYYMMDD, text
    "_extract_type",   # FULL or DELTA
    "_file",           # path of the data file relative to the extracts folder
    "_row_number",     # 1-based data-row number in the file (header excluded)
    "_loaded_at",      # timestamp of the load
)

# Ground truth sits beside the system folders, never inside one: the loader
# only reads the five system folders.
TRUTH_DIR = "ground_truth"

# The party mentions of outputs.md §2: (system, entity, role), as the party_role seed
# lists them (dbt checks every mention's role against the same seed).
PARTY_ROLES = tuple((row["source_system"], row["source_entity"], row["source_role"])
                    for row in read_seed("party_role"))
