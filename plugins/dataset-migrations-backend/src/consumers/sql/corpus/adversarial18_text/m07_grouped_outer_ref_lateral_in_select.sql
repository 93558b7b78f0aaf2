SELECT d, ARRAY(SELECT u.id FROM u WHERE u.d = t.d ORDER BY u.id) AS ids FROM t GROUP BY d;
