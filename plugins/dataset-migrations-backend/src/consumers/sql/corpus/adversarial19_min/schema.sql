-- Minimal cases found in the twentieth round (2026-12-05), sweeping the retypes
-- earlier rounds left: a write into an integer narrowed to a smaller integer
-- type (a value the old type took may not fit), and INSERT without a column
-- list into the dataset, which writes every retyped field as a named write
-- would (2.5 into an integer widened to numeric). Near misses: real -> double
-- precision, uuid, boolean, jsonb and an enum -> text, read cast back.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id integer, n integer, k bigint, r real, u uuid, b boolean, j jsonb, e mood);
INSERT INTO t VALUES
  (1, 3, 3, 0.1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, '{"b": 1, "a": [1, 2.50]}', 'happy'),
  (2, 5, 30000, 2.5, '00000000-0000-0000-0000-000000000000', false, '"x"', 'sad'),
  (3, -7, -7, 1e10, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', NULL, 'null', 'ok'),
  (4, 0, 0, -0.3, NULL, true, '[1e2, 0.10]', NULL);
