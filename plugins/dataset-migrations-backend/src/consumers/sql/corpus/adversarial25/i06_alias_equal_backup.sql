SELECT a.id, a = b AS same FROM t a JOIN tb b USING (id) ORDER BY 1;
