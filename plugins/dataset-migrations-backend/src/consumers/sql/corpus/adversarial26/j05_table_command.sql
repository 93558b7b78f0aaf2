TABLE orders ORDER BY id;
