SELECT id, s || n AS label, t.grp || (n || s) AS l2 FROM t ORDER BY id;
