SELECT id, hash_record_extended(t, 0) AS h FROM t ORDER BY id;
