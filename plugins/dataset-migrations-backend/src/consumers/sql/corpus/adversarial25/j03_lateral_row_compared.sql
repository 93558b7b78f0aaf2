SELECT z.id, z.r = b AS same FROM (SELECT id, t AS r FROM t) z JOIN tb b USING (id) ORDER BY 1;
