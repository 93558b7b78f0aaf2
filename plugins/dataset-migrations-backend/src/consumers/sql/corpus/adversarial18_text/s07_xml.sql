SELECT id, XMLELEMENT(name x, ch)::text AS e, XMLFOREST(ch, d AS day)::text AS f, XMLELEMENT(name y, XMLATTRIBUTES(ch, d))::text AS g FROM t WHERE id IN (1, 2, 6) ORDER BY id;
