{{ disposition_model('finance', 'payout', 'payout_no') }}
