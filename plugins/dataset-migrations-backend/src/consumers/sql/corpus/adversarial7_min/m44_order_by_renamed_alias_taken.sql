SELECT n AS kk, id FROM t ORDER BY k, id;
