SELECT id, k, n, sum(n) OVER w AS running, string_agg(s, '') OVER w AS ss,
       rank() OVER (PARTITION BY k ORDER BY n DESC) AS r
FROM t WINDOW w AS (PARTITION BY k ORDER BY id) ORDER BY id;
