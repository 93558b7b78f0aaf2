-- No ANTI JOIN: outer side is nullable
SELECT * FROM null_tab
WHERE id NOT IN (SELECT id FROM not_null_tab);
