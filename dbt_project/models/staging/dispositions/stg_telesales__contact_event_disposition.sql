{{ disposition_model('telesales', 'contact_event', 'event_id') }}
