-- tv as an earlier run of this file left it, on the old version.
CREATE VIEW tv AS
SELECT CAST(NULL AS integer) AS id, CAST(NULL AS integer) AS k, CAST(NULL AS integer) AS n,
       CAST(NULL AS numeric(10,2)) AS p, CAST(NULL AS varchar(10)) AS s, CAST(NULL AS char(4)) AS c,
       CAST(NULL AS date) AS d, CAST(NULL AS jsonb) AS j, CAST(NULL AS text[]) AS tags,
       CAST(NULL AS integer) AS amt, CAST(NULL AS integer) AS "Amt";
CREATE OR REPLACE VIEW tv AS SELECT * FROM t;
SELECT * FROM tv ORDER BY id;
