SELECT label, (SELECT count(*) FROM t, generate_series(1, x / 100) g WHERE g <= t.id) AS cnt FROM u ORDER BY label;
