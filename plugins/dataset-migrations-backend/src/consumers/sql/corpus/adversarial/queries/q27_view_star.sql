CREATE VIEW recent_orders AS
  SELECT * FROM orders WHERE created_at >= '2024-02-01';
SELECT id, cust, amount FROM recent_orders ORDER BY id;
