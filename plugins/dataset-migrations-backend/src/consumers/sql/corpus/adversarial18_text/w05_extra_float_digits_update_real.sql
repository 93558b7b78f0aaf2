SET extra_float_digits = 0;
UPDATE t SET r = r / real '3' WHERE id = 1;
SET extra_float_digits = 1;
SELECT id, r FROM t WHERE id = 1;
