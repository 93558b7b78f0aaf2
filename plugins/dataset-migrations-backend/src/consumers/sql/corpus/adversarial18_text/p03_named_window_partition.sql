SELECT id, string_agg(k, ',') OVER w AS a, format('%s|', first_value(ch) OVER w) AS b FROM t WINDOW w AS (PARTITION BY ch ORDER BY id) ORDER BY id;
