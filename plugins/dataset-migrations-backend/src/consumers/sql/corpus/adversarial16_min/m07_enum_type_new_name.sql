CREATE TYPE t2 AS ENUM ('a', 'b');
SELECT max(k) AS mk FROM t;
