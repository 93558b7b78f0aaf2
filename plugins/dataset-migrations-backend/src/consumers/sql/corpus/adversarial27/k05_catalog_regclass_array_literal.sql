SELECT attrelid::regclass::text AS rel, attname
FROM pg_attribute
WHERE attrelid = ANY ('{items,kinds}'::regclass[]) AND attnum > 0 AND NOT attisdropped
ORDER BY 1, attnum;
