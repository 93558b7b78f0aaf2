-- tv as an earlier run of this file left it, on the old version.
CREATE VIEW tv AS SELECT CAST(NULL AS integer) AS id, CAST(NULL AS integer) AS n;
CREATE OR REPLACE VIEW tv AS SELECT id, n FROM t;
SELECT * FROM tv ORDER BY id;
