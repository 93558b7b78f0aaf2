SELECT coalesce(label, '?') AS seq, count(*) AS n FROM orders GROUP BY seq ORDER BY seq;
