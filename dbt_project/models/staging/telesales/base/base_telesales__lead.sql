{{ config(materialized='ephemeral') }}

select * from {{ source('telesales', 'lead') }}
