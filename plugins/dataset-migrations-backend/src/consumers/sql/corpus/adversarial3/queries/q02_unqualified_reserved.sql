SELECT id, cust, status, note FROM orders ORDER BY cust, id;
