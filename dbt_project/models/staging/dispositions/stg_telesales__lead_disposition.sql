{{ disposition_model('telesales', 'lead', 'lead_id') }}
