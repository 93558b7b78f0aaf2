WITH c AS MATERIALIZED (SELECT "ch", T.D AS dd FROM T WHERE T.ID < 4)
SELECT format('%s|', c.ch) AS a, c.dd::text AS b FROM c ORDER BY 1, 2;
