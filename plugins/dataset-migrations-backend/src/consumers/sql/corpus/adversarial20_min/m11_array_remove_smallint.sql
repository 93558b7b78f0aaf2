-- array_remove(anycompatiblearray, anycompatible): a smallint[] once s is an
-- integer becomes an integer[], which equals no smallint[].
SELECT id, array_remove(ARRAY[1, 2, 3]::smallint[], s) = ARRAY[1, 2]::smallint[] AS kept FROM t WHERE s IS NOT NULL;
