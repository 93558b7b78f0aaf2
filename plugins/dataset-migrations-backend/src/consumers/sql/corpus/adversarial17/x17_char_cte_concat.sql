WITH w AS (SELECT id, c FROM t) SELECT id, w.c || '|' AS bar, octet_length(w.c) AS o FROM w WHERE w.c IS NOT NULL ORDER BY id;
