INSERT INTO archive TABLE t;
SELECT * FROM archive ORDER BY id;
