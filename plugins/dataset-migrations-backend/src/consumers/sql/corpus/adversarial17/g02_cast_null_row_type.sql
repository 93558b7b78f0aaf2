SELECT (CAST(NULL AS t)).id IS NULL AS empty, count(*) AS cnt FROM t;
