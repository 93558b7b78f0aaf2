SELECT t.id, (SELECT r.label FROM r JOIN (SELECT 1 AS one) o ON r.code = k * 10) AS l FROM t ORDER BY t.id;
