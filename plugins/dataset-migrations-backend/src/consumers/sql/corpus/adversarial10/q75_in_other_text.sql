SELECT id FROM t WHERE c IN (SELECT label FROM u WHERE label IS NOT NULL) OR s IN ('a', 'b') ORDER BY id;
