SELECT id, n INTO TEMP tmp FROM t;
SELECT id, n / 2 AS h FROM tmp ORDER BY id;
