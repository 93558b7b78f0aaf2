SELECT (xpath('/row/n/text()', query_to_xml('select n from t where id = 1', false, false, '')))[1]::text AS v;
