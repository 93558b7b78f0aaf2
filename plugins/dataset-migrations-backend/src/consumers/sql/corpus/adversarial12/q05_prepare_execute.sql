PREPARE q(int) AS SELECT id, k, n FROM t WHERE k = $1;
EXECUTE q(10);
