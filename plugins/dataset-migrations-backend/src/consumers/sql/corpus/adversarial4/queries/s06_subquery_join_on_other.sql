-- The subquery's ON sees r and u: k is u's.
SELECT t.id, (SELECT r.label FROM r JOIN u ON u.id = t.id AND r.code = k) AS l FROM t ORDER BY t.id;
