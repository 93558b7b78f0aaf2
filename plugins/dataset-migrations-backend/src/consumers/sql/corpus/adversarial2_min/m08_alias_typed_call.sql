WITH x AS (SELECT id, s, q AS k FROM t)
SELECT id, left(s, k) AS l FROM x ORDER BY id;
