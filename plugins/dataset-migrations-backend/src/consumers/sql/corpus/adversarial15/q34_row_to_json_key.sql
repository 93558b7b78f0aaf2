SELECT id, row_to_json(t) ->> 'k' AS k_from_json FROM t ORDER BY id;
