WITH RECURSIVE h(v) AS (
  SELECT n FROM t WHERE id = 2
  UNION ALL
  SELECT v / 2 FROM h WHERE v > 1
)
SELECT count(*) AS steps FROM h;
