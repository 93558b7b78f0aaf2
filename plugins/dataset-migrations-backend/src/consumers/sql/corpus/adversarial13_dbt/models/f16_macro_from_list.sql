{{ from_orders(['id', 'cust', 'status']) }}
