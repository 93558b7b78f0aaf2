SELECT array_agg(id ORDER BY n) AS ids FROM t;
