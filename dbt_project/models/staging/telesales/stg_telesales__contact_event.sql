{{ incremental_staging('telesales', 'contact_event', 'event_id') }}

with source as (
    {{ current_rows('telesales', 'contact_event') }}
),

renamed as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ map_code('telesales', 'event_type', 'upper(event_type)') }} as event_type,
        {{ map_code('telesales', 'channel', 'upper(channel)') }} as channel,
        {{ try_to_local_timestamp(clean_text('occurred_at')) }} as occurred_at,
        {{ map_code('telesales', 'outcome', 'upper(outcome)') }} as outcome,
        {{ clean_text('seat_id') }} as seat_id,
        {{ clean_text('note') }} as note,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
