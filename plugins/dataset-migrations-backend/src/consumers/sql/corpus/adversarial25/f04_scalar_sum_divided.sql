SELECT id, (SELECT sum(n) FROM t) / 4 AS q FROM u ORDER BY id;
