SELECT "Qty", amt FROM t ORDER BY id;
