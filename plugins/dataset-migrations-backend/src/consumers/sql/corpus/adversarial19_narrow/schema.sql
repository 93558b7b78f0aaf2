-- Written in the twentieth round (2026-12-05): an integer narrowed (bigint ->
-- integer or smallint, integer -> smallint; the values held fit) and written
-- to. Read, it is cast back and reads the same; written, a value the old type
-- held may not fit the new one.
CREATE TABLE t (id integer, n bigint, m integer, note text);
INSERT INTO t VALUES (1, 3, 3, 'a'), (2, 30000, 30000, 'b'), (3, -7, -7, 'c');
CREATE TABLE big (id integer, v bigint);
INSERT INTO big VALUES (1, 3000000000), (2, 5);
