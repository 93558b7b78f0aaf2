SELECT r.id, r.label, r.qty FROM jsonb_populate_recordset(NULL::orders, '[{"id": 1, "label": "a", "qty": 2, "customer_id": 7}, {"id": 2, "label": "b"}]') AS r ORDER BY r.id;
