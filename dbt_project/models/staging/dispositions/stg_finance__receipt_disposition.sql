{{ disposition_model('finance', 'receipt', 'receipt_no') }}
