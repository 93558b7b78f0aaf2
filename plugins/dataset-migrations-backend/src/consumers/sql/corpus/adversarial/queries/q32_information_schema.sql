-- a data test: the columns of orders
SELECT column_name
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'orders'
ORDER BY ordinal_position;
