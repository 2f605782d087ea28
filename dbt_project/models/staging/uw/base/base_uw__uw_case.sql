{{ config(materialized='ephemeral') }}

select * from {{ source('uw', 'uw_case') }}
