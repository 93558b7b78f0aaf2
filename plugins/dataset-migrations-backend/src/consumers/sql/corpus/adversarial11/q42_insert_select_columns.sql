INSERT INTO archive (id, k) SELECT id, k FROM t;
SELECT id, k FROM archive ORDER BY id;
