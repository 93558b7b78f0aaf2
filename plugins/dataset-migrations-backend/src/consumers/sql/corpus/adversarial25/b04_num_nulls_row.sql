SELECT id, num_nulls(VARIADIC ARRAY[t.n::text, t.name]) AS nn FROM t ORDER BY id;
