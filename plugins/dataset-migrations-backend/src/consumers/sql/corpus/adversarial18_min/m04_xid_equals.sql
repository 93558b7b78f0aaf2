-- xid = integer exists; xid = bigint and xid = numeric do not.
SELECT id, '5'::xid = n AS five FROM t ORDER BY id;
