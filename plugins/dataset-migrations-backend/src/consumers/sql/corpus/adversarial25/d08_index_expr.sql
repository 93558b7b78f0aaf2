CREATE INDEX t_half ON t ((n / 2));
SELECT id FROM t ORDER BY id;
