SELECT "T".k, "T".n / 2 AS h FROM t AS "T" ORDER BY "T".id;
