SELECT DISTINCT ON (cust) cust, id, count(*) FILTER (WHERE status = 'paid') OVER (PARTITION BY cust) AS paid
FROM orders ORDER BY cust, id;
