SELECT * FROM t FULL JOIN (SELECT x / 100 + 4 AS n, label FROM u) s USING (n) ORDER BY n, id;
