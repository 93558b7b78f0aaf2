-- A FROM subquery that is not LATERAL cannot see its siblings: region is customers'.
SELECT c.id,
       (SELECT max(s.v) FROM orders o, (SELECT region AS v) s WHERE o.cust = c.id) AS m
FROM customers c
ORDER BY c.id;
