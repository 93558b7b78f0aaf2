SELECT query_to_xml('select id, n from t order by id', true, false, '') AS x;
