SELECT label, (SELECT count(*) FROM t WHERE t.k > 10 AND label IS NOT NULL) AS cnt FROM u ORDER BY label;
