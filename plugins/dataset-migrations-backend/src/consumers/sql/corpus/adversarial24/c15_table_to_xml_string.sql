SELECT table_to_xml('t', true, false, '') IS NOT NULL AS ok;
