-- ANTI JOIN: both sides are defined NOT NULL
SELECT * FROM not_null_tab
WHERE NOT (id, val) > ANY (SELECT id, val FROM not_null_tab);
