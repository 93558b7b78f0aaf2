SELECT id, array_replace(ARRAY[1, 2, 3]::smallint[], s, 0::smallint) = ARRAY[1, 2, 0]::smallint[] AS replaced FROM t WHERE s IS NOT NULL;
