SELECT c."Region", o.status, count(*) AS n, sum(o.qty) FILTER (WHERE o.status = 'paid') AS paid_qty, grouping(c."Region", o.status) AS g
FROM orders o JOIN customers c USING (customer_id)
GROUP BY GROUPING SETS ((c."Region", o.status), (c."Region"), ())
ORDER BY c."Region" NULLS LAST, o.status NULLS LAST;
