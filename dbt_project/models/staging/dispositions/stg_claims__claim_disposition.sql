{{ disposition_model('claims', 'claim', 'claim_no') }}
