SELECT xmlagg(xmlelement(name v, n) ORDER BY k, id)::text AS doc FROM t;
