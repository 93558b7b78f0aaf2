SELECT vc, count(*) AS c FROM t GROUP BY vc HAVING EXISTS (SELECT 1 FROM u WHERE u.vc = t.vc);
