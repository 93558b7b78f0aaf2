SELECT id, sum(v) AS total FROM t, unnest(t.nums) v GROUP BY id ORDER BY id;
