-- An enum sorts by its declaration order, text by collation: cast back, the same.
SELECT id, e, e < 'ok' AS before_ok FROM t ORDER BY e, id;
