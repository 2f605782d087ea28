{{ disposition_model('core', 'customer', 'cust_no') }}
