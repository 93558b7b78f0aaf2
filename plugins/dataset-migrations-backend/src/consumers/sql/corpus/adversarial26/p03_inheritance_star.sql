SELECT id, label FROM orders* WHERE qty > 2 ORDER BY id;
