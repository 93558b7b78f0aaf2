SELECT id FROM t WHERE c ~ 'b +$' ORDER BY id;
