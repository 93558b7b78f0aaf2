PREPARE p (date) AS SELECT id, d, ch FROM t WHERE d < $1;
EXECUTE p ('2024-03-01');
