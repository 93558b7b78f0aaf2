-- Read cast back: bigint arithmetic as before.
SELECT id, n * 100000 AS big, m * 1000 AS wide, n / 2 AS half, sum(n) OVER () AS total FROM t ORDER BY id;
