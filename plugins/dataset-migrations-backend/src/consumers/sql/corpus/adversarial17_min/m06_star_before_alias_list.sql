-- `*` over s gives two outputs, so the second n is z, not the alias list's second
-- name (n, which s's own n takes): z / 2 divides the widened field.
WITH c(x, n, z) AS (SELECT *, n FROM (SELECT id, n FROM t) s)
SELECT x, z / 2 AS h FROM c ORDER BY x;
