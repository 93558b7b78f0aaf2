SELECT a.id, a < b AS lt FROM t a JOIN tb b USING (id) WHERE a.id = 6 ORDER BY 1;
