-- The inner ON sees only u and r: k is u's.
SELECT t.id, r.label FROM t JOIN (u JOIN r ON r.code = k) ON u.id = t.id ORDER BY t.id;
