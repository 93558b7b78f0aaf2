-- The inner ON sees only t and r: k is t's.
SELECT u.id, r.label FROM u JOIN (t JOIN r ON r.code = k * 10) ON u.id = t.id ORDER BY u.id;
