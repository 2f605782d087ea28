{{ config(materialized='ephemeral') }}

select * from {{ source('core', 'policy') }}
