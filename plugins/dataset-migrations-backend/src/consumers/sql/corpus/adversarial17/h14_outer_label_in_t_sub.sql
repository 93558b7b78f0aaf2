SELECT label, (SELECT count(*) FROM t WHERE t.k >= u.x / 20) AS cnt FROM u ORDER BY label;
