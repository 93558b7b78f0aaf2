SELECT length(table_to_xml('t', true, false, '')::text) AS len;
