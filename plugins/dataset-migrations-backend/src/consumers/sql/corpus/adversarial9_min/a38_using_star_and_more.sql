SELECT *, k AS k_again FROM t JOIN (SELECT id, label FROM u) s USING (id) ORDER BY 1;
