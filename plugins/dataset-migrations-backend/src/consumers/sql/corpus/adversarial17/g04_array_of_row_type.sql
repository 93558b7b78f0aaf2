SELECT cardinality(ARRAY[]::t[]) AS none, count(*) AS cnt FROM t;
