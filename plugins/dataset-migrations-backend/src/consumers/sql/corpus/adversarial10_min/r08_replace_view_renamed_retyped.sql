-- tv as an earlier run of this file left it, on the old version: a rename or a
-- cast back keeps its columns' names and types.
CREATE VIEW tv AS
SELECT CAST(NULL AS integer) AS id, CAST(NULL AS integer) AS k, CAST(NULL AS char(4)) AS c,
       CAST(NULL AS date) AS d, CAST(NULL AS numeric(10,2)) AS p, CAST(NULL AS bigint) AS cnt;
CREATE OR REPLACE VIEW tv AS SELECT id, k, c, d, p, count(n) OVER () AS cnt FROM t;
SELECT * FROM tv ORDER BY id;
