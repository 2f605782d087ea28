"""The ten report pages: which report model each reads and how its chart is drawn.

Each page's chart query folds the report model to chart shape (label, then one
column per series); the table under the chart shows the model's rows as built.
Report models are aggregates, so no page shows personal data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    model: str            # reports.<model>
    chart_sql: str        # label, series...; `trend` pages: point, series, value
    kind: str = "bar"     # bar | trend
    summary: str = ""
    # what the chart's labels are: a code type of code_label, "date" or "week" (None: shown
    # as they are); a tuple: a label of several columns, one kind each, joined by " · "
    labels: str | tuple[str, ...] | None = None


PAGES = (
    Page("dq-scorecard", "1 · Source data-quality scorecard", "rpt_dq_scorecard",
         "select run_id, source_system, sum(passed) * 1.0 / sum(checks) from "
         "reports.rpt_dq_scorecard group by run_id, source_system order by run_id, source_system",
         kind="trend", labels="source_system",
         summary="Share of quality checks passed per source system, run by run; the table "
                 "splits it by dimension (completeness, validity, uniqueness, consistency)."),
    Page("id-validity", "2 · ID-number validity by system and reason", "rpt_id_validity",
         "select source_system, sum(case when reason = 'VALID' then mentions else 0 end), "
         "sum(case when reason = 'EMPTY' then mentions else 0 end), "
         "sum(case when reason not in ('VALID', 'EMPTY') then mentions else 0 end) "
         "from reports.rpt_id_validity group by source_system order by source_system",
         labels="source_system",
         summary="Mentions with a valid ID, none, or an invalid one (the table gives the reason)."),
    Page("contact-completeness", "3 · Contact completeness by system",
         "rpt_contact_completeness",
         "select source_system, mobile_share, address_share, email_share "
         "from reports.rpt_contact_completeness order by source_system", labels="source_system",
         summary="Share of mentions with a valid mobile, an address and a valid e-mail."),
    Page("duplicate-rate", "4 · Duplicate rate: mentions per party", "rpt_duplicate_rate",
         "select source_system, mentions_per_party from reports.rpt_duplicate_rate "
         "order by source_system", labels="source_system",
         summary="How many of a system's records resolve to one golden customer."),
    Page("matching", "5 · Matching statistics per run", "rpt_matching_run",
         "select run_id, auto_merged_mentions, person_suspects, org_suspect_groups, "
         "manual_decisions, merges, splits from reports.rpt_matching_run order by run_id",
         summary="Auto-merged mentions, suspects for review, steward decisions, merges and "
                 "splits against the previous run."),
    Page("code-mapping", "6 · Code-mapping exceptions", "rpt_code_mapping_exception",
         "select source_system, code_type, exceptions "
         "from reports.rpt_code_mapping_exception order by source_system, code_type",
         labels=("source_system", "code_type"),
         summary="Source codes the code map does not know (UNMAPPED), per system and code type."),
    Page("customers", "7 · Customers by type, region and segment", "rpt_customer_segment",
         "select region, sum(case when party_type = 'P' then customers else 0 end), "
         "sum(case when party_type = 'O' then customers else 0 end) "
         "from reports.rpt_customer_segment group by region order by sum(customers) desc, region",
         labels="region",
         summary="Golden customers per province (persons and organizations); the table adds "
                 "the value segment."),
    Page("customer-changes", "8 · New, changed and deactivated customers",
         "rpt_customer_change",
         "select business_date, new_customers, changed_customers, "
         "deactivated_customers from reports.rpt_customer_change order by business_date",
         labels="date",
         summary="Golden-record versions per business date (snapshots.customer_history)."),
    Page("policies-claims", "9 · Policies and claims by segment", "rpt_policy_claim_by_segment",
         "select segment, policies, policies_in_force, claims "
         "from reports.rpt_policy_claim_by_segment order by segment", labels="value_class",
         summary="Policies, policies in force and claims of the customers of each value class."),
    Page("renewals", "10 · Renewal pipeline", "rpt_renewal_pipeline",
         "select due_week, policies_due, contactable "
         "from reports.rpt_renewal_pipeline order by due_week", labels="week",
         summary="In-force policies not yet renewed, by the week they expire, and how many "
                 "holders can be called."),
)

# Where report 7's region is unknown: per source system, the share of the customers it
# holds records of that have no province (the gap is in the addresses of those systems,
# which the contact-completeness page breaks down).
UNKNOWN_REGION_SQL = (
    "select xref.source_system, count(distinct case when c.province is null "
    "then c.party_id end), count(distinct c.party_id) from marts.customer_xref as xref "
    "inner join marts.customer_360 as c on c.party_id = xref.party_id "
    "group by xref.source_system order by xref.source_system")

# Series names and page texts are English message ids of ecif/locale/zh_CN.po.
SERIES = {
    "id-validity": ["valid", "empty", "invalid"],
    "contact-completeness": ["mobile", "address", "e-mail"],
    "duplicate-rate": ["mentions per party"],
    "matching": ["auto-merged", "person suspects", "org suspect groups", "manual decisions",
                 "merges", "splits"],
    "code-mapping": ["unmapped codes"],
    "customers": ["persons", "organizations"],
    "customer-changes": ["new", "changed", "deactivated"],
    "policies-claims": ["policies", "in force", "claims"],
    "renewals": ["due", "contactable"],
}
