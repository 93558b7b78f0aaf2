SELECT id, (SELECT x FROM (VALUES (t.n)) v(x)) / 2 AS half FROM t ORDER BY id;
