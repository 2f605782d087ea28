"""The quality suites as code: raw, staging (with the mention layer) and marts.

Severities: `critical` stops the nightly run (raw and staging are checked before the
marts are built), `warning` is only reported. Shares have two tiers where a little
dirt is normal but a collapse means a broken extract: below the warning bound the
steward should look, below the critical bound the run stops.
"""

from __future__ import annotations

from ecif.extract_spec import ENTITIES
from ecif.reference import read_seed
from expectations.checks import Check, Metric, Suite, at_least, at_most, share

# Party mentions (outputs.md §2, the party_role seed) and which fields each source is
# expected to carry: system, entity, role, carries an ID, a mobile, a birth date.
MENTION_ROLES = tuple(
    (row["source_system"], row["source_entity"], row["source_role"],
     *(row[flag] == "true" for flag in ("carries_id", "carries_mobile", "carries_birth_date")))
    for row in read_seed("party_role"))
MENTIONS = "intermediate.int_party_mention"


def _raw_checks() -> list[Check]:
    checks: list[Check] = []
    for spec in ENTITIES:
        key = Metric(f"{spec.system}.{spec.entity}.key_completeness", f"raw.{spec.raw_table}",
                     "", share(f"coalesce(trim({spec.key}), '') <> ''"), spec.system,
                     "completeness")
        checks += at_least(key)
    for system in dict.fromkeys(spec.system for spec in ENTITIES):
        refused = Metric(f"{system}.refused_files", "raw.landing_rejection",
                         f"system = '{system}'", "count(distinct file)", system, "validity")
        checks += at_most(refused)
    return checks


def _mention_checks(system: str, entity: str, role: str, has_id: bool, has_mobile: bool,
                    has_birth_date: bool) -> list[Check]:
    where = (f"source_system = '{system}' and source_entity = '{entity}' "
             f"and source_role = '{role}'")

    def metric(measure: str, expression: str, dimension) -> Metric:
        return Metric(f"{system}.{entity}.{role}.{measure}", MENTIONS, where, expression,
                      system, dimension)

    checks = at_least(metric("name_completeness", share("name is not null"), "completeness"))
    if has_id:
        checks += at_least(metric("id_completeness", share("id_no is not null"),
                                  "completeness"))
        checks += at_least(metric("id_validity", share("id_valid", among="id_no is not null"),
                                  "validity"))
        # only resident IDs encode a birth date and gender to agree with
        checks += at_least(metric("id_consistency",
                                  share("id_consistent", among="id_consistent is not null"),
                                  "consistency"))
    if has_mobile:
        checks += at_least(metric("mobile_completeness", share("mobile is not null"),
                                  "completeness"))
        checks += at_least(metric("mobile_validity",
                                  share("mobile_valid", among="mobile is not null"),
                                  "validity"))
    if has_birth_date:
        checks += at_least(metric("birth_date_completeness",
                                  share("birth_date is not null", among="party_type = 'P'"),
                                  "completeness"))
    return checks


def _staging_checks() -> list[Check]:
    checks: list[Check] = []
    for spec in ENTITIES:
        table = f"staging.stg_{spec.system}__{spec.entity}"
        prefix = f"{spec.system}.{spec.entity}"
        checks.append(Check(Metric(f"{prefix}.duplicate_keys", table, "",
                                   f"count(*) - count(distinct {spec.key})", spec.system,
                                   "uniqueness"), "critical", max_value=0))
        # a share of the entity's current rows, counted from the exceptions dbt records
        exceptions = ("quality.dq_exception", f"source_system = '{spec.system}' and "
                      f"source_entity = '{spec.entity}' and rule = ")
        rows = f"nullif((select count(*) from {table}), 0)"
        unmapped = Metric(f"{prefix}.unmapped_code_share", exceptions[0],
                          exceptions[1] + "'UNMAPPED_CODE'",
                          f"1.0 * count(distinct source_key) / {rows}", spec.system,
                          "consistency")
        checks += at_most(unmapped)
        unparsable = Metric(f"{prefix}.unparsable_value_share", exceptions[0],
                            exceptions[1] + "'UNPARSABLE'",
                            f"1.0 * count(distinct source_key) / {rows}", spec.system,
                            "validity")
        checks += at_most(unparsable)
    checks.append(Check(Metric("mentions.duplicate_mention_ids", MENTIONS, "",
                               "count(*) - count(distinct mention_id)", "all", "uniqueness"),
                        "critical", max_value=0))
    for role in MENTION_ROLES:
        checks += _mention_checks(*role)
    return checks


def _mart_checks() -> list[Check]:
    customer, xref = "marts.customer", "marts.customer_xref"

    def golden(name: str, relation: str, expression: str, dimension, where: str = "") -> Metric:
        return Metric(name, relation, where, expression, "golden", dimension)

    unresolved = (f"select 1 from {xref} x where x.source_system = m.source_system and "
                  "x.source_entity = m.source_entity and x.source_key = m.source_key and "
                  "x.source_role = m.source_role")
    return [
        Check(golden("customer.duplicate_party_ids", customer,
                     "count(*) - count(distinct party_id)", "uniqueness"), "critical",
              max_value=0),
        Check(golden("customer.rows", customer, "count(*)", "completeness"), "critical",
              min_value=1),
        Check(golden("xref.unresolved_mentions", f"{MENTIONS} m",
                     "count(*)", "coverage", where=f"not exists ({unresolved})"),
              "critical", max_value=0),
        Check(golden("xref.duplicate_mentions", xref,
                     "count(*) - count(distinct source_system || '|' || source_entity || '|' "
                     "|| source_key || '|' || source_role)", "uniqueness"),
              "critical", max_value=0),
        Check(golden("xref.orphan_party_ids", f"{xref} x", "count(*)", "coverage",
                     where=f"not exists (select 1 from {customer} c "
                           "where c.party_id = x.party_id)"), "critical", max_value=0),
        Check(golden("customer.without_mentions", f"{customer} c", "count(*)", "coverage",
                     where=f"not exists (select 1 from {xref} x "
                           "where x.party_id = c.party_id)"), "critical", max_value=0),
        Check(golden("customer.person_gender_valid", customer,
                     share("gender in ('M', 'F', 'U')", among="party_type = 'P'"), "sanity"),
              "critical", min_value=1),
        Check(golden("customer.mobile_format_valid", customer,
                     share("length(mobile) = 11 and mobile like '1%'",
                           among="mobile is not null"), "sanity"), "critical", min_value=1),
        Check(golden("customer.status_valid", customer,
                     share("status in ('ACTIVE', 'INACTIVE')"), "sanity"), "critical",
              min_value=1),
        *at_least(golden("customer.birth_date_plausible", customer,
                         share("birth_date between date '1900-01-01' and cast(as_of as date)",
                               among="birth_date is not null"), "sanity")),
        *at_least(golden("customer.reachable_or_identified", customer,
                         share("id_no is not null or mobile is not null"), "sanity")),
        *at_most(golden("customer.unmapped_party_type", customer,
                        share("party_type = 'UNMAPPED'"), "consistency")),
    ]


RAW = Suite("raw", tuple(_raw_checks()))
STAGING = Suite("staging", tuple(_staging_checks()))
MARTS = Suite("marts", tuple(_mart_checks()))
# the gate before the marts are built, and the checks on what was built
BEFORE_MARTS = (RAW, STAGING)
AFTER_MARTS = (MARTS,)
