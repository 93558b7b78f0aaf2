SELECT t.id, j.value || '|' AS v FROM t, json_each_text(json_build_object('c', t.ch, 'd', t.d)) j WHERE t.id < 3 ORDER BY 1, 2;
