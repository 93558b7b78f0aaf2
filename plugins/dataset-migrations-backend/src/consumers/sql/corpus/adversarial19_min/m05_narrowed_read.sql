-- Near miss: read, a narrowed integer is cast back and computes as before.
SELECT id, k * 100000 AS big, k / 2 AS half, sum(k) OVER () AS total FROM t ORDER BY id;
