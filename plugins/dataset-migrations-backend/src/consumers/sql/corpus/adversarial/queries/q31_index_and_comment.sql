CREATE INDEX orders_cust_idx ON orders (cust);
COMMENT ON COLUMN orders.cust IS 'customer reference';
SELECT count(*) AS n FROM orders WHERE cust = 1;
