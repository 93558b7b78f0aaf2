SELECT g::date AS day FROM generate_series((SELECT min(d) FROM t), (SELECT min(d) FROM t) + 2, interval '1 day') AS g ORDER BY 1;
