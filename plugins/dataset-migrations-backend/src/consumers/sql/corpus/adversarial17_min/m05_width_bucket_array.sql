-- An array of thresholds compares by value, in any integer type or numeric.
SELECT id, width_bucket(n, ARRAY[4, 6, 8]) AS bucket FROM t ORDER BY id;
