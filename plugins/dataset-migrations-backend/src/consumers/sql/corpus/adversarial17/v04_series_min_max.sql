SELECT g FROM generate_series((SELECT min(id) FROM t), (SELECT max(id) FROM t)) AS g ORDER BY g;
