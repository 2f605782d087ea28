{#- Report 5, matching statistics per run. Manual decisions are the steward requests
    decided so far, shown on the latest run; zero while the stewardship schema is
    absent (a warehouse where no steward has worked yet). -#}

{%- set requests = adapter.get_relation(database=target.database, schema='stewardship',
                                        identifier='request') -%}

with runs as (
    select * from {{ ref('stg_matching__match_run') }}
),

decisions as (
    {% if requests is not none -%}
    select count(*) as manual_decisions from {{ requests }} where decided_at is not null
    {%- else -%}
    select 0 as manual_decisions
    {%- endif %}
)

select
    runs.run_id,
    runs.mentions,
    runs.parties,
    runs.mentions - runs.parties as auto_merged_mentions,
    runs.person_suspects,
    runs.review_tasks as person_review_tasks,
    runs.queue_precision as person_queue_precision,
    runs.suspect_groups as org_suspect_groups,
    case when runs.run_id = (select max(run_id) from runs)
        then decisions.manual_decisions else 0 end as manual_decisions,
    runs.merges,
    runs.splits
from runs
cross join decisions
