SELECT id FROM t WHERE (k, n) IN (SELECT kk, m FROM u) ORDER BY id;
