SELECT u.id, k, label FROM u JOIN t USING (id) ORDER BY 1;
