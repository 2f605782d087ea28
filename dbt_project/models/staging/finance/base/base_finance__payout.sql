{{ config(materialized='ephemeral') }}

select * from {{ source('finance', 'payout') }}
