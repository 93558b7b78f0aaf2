COMMENT ON COLUMN t.n IS 'a count';
SELECT id, name FROM t ORDER BY id;
