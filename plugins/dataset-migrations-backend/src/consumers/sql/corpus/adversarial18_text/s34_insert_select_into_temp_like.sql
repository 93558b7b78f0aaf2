CREATE TEMP TABLE z (ch char(5), d date);
INSERT INTO z SELECT ch, d FROM t;
SELECT ch || '|' AS c, d FROM z ORDER BY 1, 2;
