{{ config(materialized='ephemeral') }}

select * from {{ source('core', 'customer') }}
