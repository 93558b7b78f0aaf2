UPDATE t SET n = n WHERE id <= 2 RETURNING id, k;
