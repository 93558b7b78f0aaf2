SELECT e.key, e.value FROM t, json_each_text(row_to_json(t)) e WHERE t.id = 2 ORDER BY 1;
