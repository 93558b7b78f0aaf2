SELECT id, kk, label FROM u UNION ALL SELECT id, k, s FROM t ORDER BY 1, 2;
