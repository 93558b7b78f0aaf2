{{ dbt_utils.deduplicate(relation=source('shop', 'orders'), partition_by='cust', order_by='updated_at desc') }}
