SELECT id, regexp_count('banana', 'a', n % 3 + 1) AS cnt FROM t ORDER BY id;
