-- k bigint 30000 * 100000 fits; narrowed to integer it fails.
UPDATE t SET k = k * 100000 WHERE id = 2;
SELECT id, k FROM t ORDER BY id;
