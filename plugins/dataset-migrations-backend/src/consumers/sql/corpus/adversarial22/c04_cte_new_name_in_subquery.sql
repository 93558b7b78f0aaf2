SELECT x.id, x.n FROM (WITH t2 /* inner */ AS (SELECT 1 AS k) SELECT t.id, t.n FROM t, t2) x ORDER BY 1;
