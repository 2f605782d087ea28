{{ config(materialized='ephemeral') }}

select * from {{ source('telesales', 'contact_event') }}
