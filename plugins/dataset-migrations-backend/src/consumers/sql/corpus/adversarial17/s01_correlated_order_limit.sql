SELECT u.label, (SELECT t.n FROM t WHERE t.k >= u.id * 10 ORDER BY t.n DESC LIMIT 1) AS best
FROM u ORDER BY u.label;
