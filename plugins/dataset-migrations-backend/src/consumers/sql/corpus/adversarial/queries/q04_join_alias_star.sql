SELECT *
FROM (orders o JOIN (SELECT id AS cid, name AS customer_name FROM customers) c
      ON c.cid = o.cust) AS j
ORDER BY 1;
