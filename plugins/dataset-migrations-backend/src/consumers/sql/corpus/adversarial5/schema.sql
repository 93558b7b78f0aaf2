-- Fifth adversarial round (2026-12): renames in every position, keyword / quoted /
-- unicode names, names shared with aliases, CTEs and functions in FROM, added fields
-- named like output aliases, drops through set operations, non-integer retypes.
CREATE TABLE t (id integer PRIMARY KEY, k integer, s text, b boolean, j jsonb, u uuid, r real, d date, "K" integer, "my col" integer, "État" integer);
INSERT INTO t VALUES
  (1, 10, 'a', true, '{"a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 0.1, '2024-01-11', 100, 7, 1),
  (2, 0, 'b', false, '{"a": 2, "b": [1, 2]}', 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 1.5, '2024-02-02', 200, 8, 2),
  (3, NULL, 'a', NULL, '{"a": 1}', '00eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', 2.25, NULL, 300, 9, 3),
  (4, 20, 'c', true, '[1, 2]', 'f0eebc99-9c0b-4ef8-bb6d-6bb9bd380a14', 0.3, '2024-04-01', NULL, 10, 4),
  (5, 10, 'b', false, '"x"', NULL, NULL, '2024-05-05', 500, NULL, NULL);
CREATE TABLE o (id integer PRIMARY KEY, k integer, v text, x integer);
INSERT INTO o VALUES (1, 100, 'p', 1), (2, 200, 'q', 2), (3, 300, 'r', 3), (6, 10, 's', 6);
