SELECT id, ARRAY[s] <@ '{1,3}'::smallint[] AS listed FROM t WHERE s IS NOT NULL ORDER BY id;
