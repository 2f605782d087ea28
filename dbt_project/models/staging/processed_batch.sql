{#- The landed batches the staging and intermediate tables reflect: the staging
    build's last node, so it is written only when every model and test before it
    passed. The next build's pending batches are those of raw.landing_batch not
    listed here with the same load time (macro pending_batch_ids). -#}
-- depends_on: {{ ref('dq_exception') }}
-- depends_on: {{ ref('int_contract_name_link') }}
{{ config(materialized='table') }}

select batch_id, system, entity, extract_type, loaded_at
from {{ source('landing', 'landing_batch') }}
where status = 'LOADED'
