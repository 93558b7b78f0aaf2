COMMENT ON COLUMN t.k IS 'the key';
SELECT id, k FROM t ORDER BY id;
