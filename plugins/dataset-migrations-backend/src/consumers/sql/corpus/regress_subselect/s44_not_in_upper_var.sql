-- No ANTI JOIN: the sub-select's output is an upper-level Var, so the
-- sub-select's own quals tell us nothing about its nullability
SELECT * FROM null_tab t1
WHERE COALESCE(t1.id, -1) NOT IN
    (SELECT t1.val FROM not_null_tab t2 WHERE t2.val IS NOT NULL);
