-- 125 is ' 1.2e+02' for integer, ' 1.3e+02' for bigint or numeric.
SELECT id, to_char(n * 25, '9.9EEEE') AS sci FROM t ORDER BY id;
