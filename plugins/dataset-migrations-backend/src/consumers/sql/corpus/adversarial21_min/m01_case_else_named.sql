-- Named n (the ELSE's column): a rename renames the output.
SELECT id, CASE WHEN n > 4 THEN 0 ELSE n END FROM t ORDER BY id;
