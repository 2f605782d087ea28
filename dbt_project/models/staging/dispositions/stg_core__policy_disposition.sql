{{ disposition_model('core', 'policy', 'policy_no') }}
