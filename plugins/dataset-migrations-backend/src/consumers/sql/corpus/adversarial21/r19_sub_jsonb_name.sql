SELECT row_to_json(x) FROM (SELECT id, (SELECT n) FROM t) x;
