{{ config(materialized='ephemeral') }}

select * from {{ source('claims', 'claim') }}
