SELECT label FROM u WHERE id IN (SELECT id FROM t WHERE k * 10 = x) ORDER BY label;
