SELECT label FROM u WHERE (SELECT count(*) FROM t WHERE t.id = u.id) > 0 ORDER BY label;
