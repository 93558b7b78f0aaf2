SELECT cardinality(array_agg(t ORDER BY id)) AS c, (array_agg(t ORDER BY id))[1].k AS first_k FROM t;
