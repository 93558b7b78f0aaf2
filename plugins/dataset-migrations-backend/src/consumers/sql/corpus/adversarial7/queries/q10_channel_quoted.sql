SELECT "Channel", count(*) AS n, avg(qty) AS avg_qty FROM orders GROUP BY "Channel" ORDER BY 1;
