-- Eighteenth round's minimal cases: a widened integer formatted by to_char() in
-- scientific notation (EEEE rounds through double precision for integer, through
-- numeric for bigint and numeric) and given to width_bucket() as its operand
-- (double precision for any integer, numeric for numeric).
CREATE TABLE t (id integer, n integer);
INSERT INTO t VALUES (1, 3), (2, 5), (3, 7), (4, 9);
