{{ disposition_model('uw', 'uw_case', 'case_id') }}
