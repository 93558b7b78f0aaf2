SELECT id, JSON_OBJECT('label' VALUE label, 'code': code, 'qty' VALUE qty)::text AS doc FROM orders ORDER BY id;
