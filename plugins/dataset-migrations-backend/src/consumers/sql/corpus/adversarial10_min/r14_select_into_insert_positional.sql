SELECT id, n INTO TEMP snap FROM t;
INSERT INTO snap SELECT id + 10, m * 0.5 FROM u;
SELECT id, n FROM snap ORDER BY id;
