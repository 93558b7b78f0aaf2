CREATE TEMP TABLE snap AS SELECT id, n FROM t;
INSERT INTO snap (id, n) VALUES (9, 3), (10, NULL);
UPDATE snap SET n = 4 WHERE id = 9;
SELECT id, n FROM snap ORDER BY id;
