SELECT query_to_xml('select count(*) from t', false, false, '') AS x;
