SELECT v.k, t.id FROM (VALUES (10), (30)) AS v(k) JOIN t ON t.k = v.k ORDER BY v.k, t.id;
