SELECT (v.column1).n / 2 AS half FROM t, LATERAL (VALUES (t)) v;
