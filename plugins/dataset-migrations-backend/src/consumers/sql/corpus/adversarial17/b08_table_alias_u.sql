SELECT u.id, u.k FROM t AS u ORDER BY u.id;
