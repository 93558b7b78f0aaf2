CREATE TEMP TABLE archive_copy (LIKE orders_archive);
INSERT INTO archive_copy SELECT * FROM orders WHERE amount > 10;
SELECT * FROM archive_copy ORDER BY id;
