SELECT id, xmlforest(k AS key, n AS qty, c AS code) AS x, xmlelement(name v, d) AS y FROM t ORDER BY id;
