CREATE INDEX t_half ON t ((n / 2));
SELECT id, k FROM t ORDER BY id;
