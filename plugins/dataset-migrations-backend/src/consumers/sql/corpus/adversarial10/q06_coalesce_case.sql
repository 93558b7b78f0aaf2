SELECT id, COALESCE(n, 0) AS n0, COALESCE(p, 0) AS p0,
       CASE WHEN k > 15 THEN n ELSE 2 END AS pick,
       CASE k WHEN 10 THEN 'ten' WHEN 30 THEN 'thirty' ELSE 'other' END AS word,
       COALESCE(c, 'none') AS c0, COALESCE(d, DATE '2000-01-01') AS d0
FROM t ORDER BY id;
