SELECT n AS k FROM t ORDER BY k + 0, id;
