SELECT id, date + qty AS due FROM orders ORDER BY id;
