PREPARE q AS SELECT count(*) AS c, sum(k) AS sk FROM t;
EXECUTE q;
