SELECT orders FROM orders WHERE id < 4 ORDER BY id;
