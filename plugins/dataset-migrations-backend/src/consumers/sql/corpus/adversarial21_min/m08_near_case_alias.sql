-- Near miss: an alias names the output.
SELECT id, CASE WHEN n > 4 THEN 0 ELSE n END AS capped FROM t ORDER BY id;
