SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('"t"') AND attnum > 0 AND NOT attisdropped ORDER BY attnum;
