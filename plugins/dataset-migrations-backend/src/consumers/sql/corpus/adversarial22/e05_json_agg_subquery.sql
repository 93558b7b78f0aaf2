SELECT json_agg(_ ORDER BY _.id) FROM (SELECT t.id, t.n FROM t) _;
