SELECT id, m FROM t, unnest(ARRAY[1, 2]) AS m ORDER BY 1, 2;
