-- V multiplies by 10 per digit after it; to_char(300000000, '9999999999V99') overflows
-- an integer silently (    -64771072), not a bigint.
SELECT id, to_char(n, '99V9') AS shifted FROM t ORDER BY id;
