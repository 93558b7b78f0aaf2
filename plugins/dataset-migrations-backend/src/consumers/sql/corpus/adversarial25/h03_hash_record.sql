SELECT id, hash_record(t) AS h FROM t ORDER BY id;
