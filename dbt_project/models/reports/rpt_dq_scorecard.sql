{#- Report 1, source data-quality scorecard: per quality run, source system and
    dimension (completeness, validity, uniqueness, consistency) the share of checks
    that passed; runs side by side give the trend. -#}

select
    run_id,
    min(checked_at) as checked_at,
    source_system,
    dimension,
    count(*) as checks,
    sum(case when success then 1 else 0 end) as passed,
    sum(case when not success and severity = 'critical' then 1 else 0 end) as critical_failed,
    1.0 * sum(case when success then 1 else 0 end) / count(*) as score
from {{ ref('stg_quality__validation_result') }}
where source_system in ('core', 'uw', 'claims', 'telesales', 'finance')
    -- the state's checks; a night's new batches judged at admission (ecif.quarantine)
    -- would count some checks twice
    and suite <> 'admission'
group by run_id, source_system, dimension
