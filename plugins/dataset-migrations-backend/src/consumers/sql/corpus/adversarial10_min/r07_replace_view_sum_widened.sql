-- tv as an earlier run of this file left it, on the old version.
CREATE VIEW tv AS SELECT CAST(NULL AS integer) AS k, CAST(NULL AS bigint) AS total;
CREATE OR REPLACE VIEW tv AS SELECT k, sum(n) AS total FROM t GROUP BY k;
SELECT * FROM tv ORDER BY k;
