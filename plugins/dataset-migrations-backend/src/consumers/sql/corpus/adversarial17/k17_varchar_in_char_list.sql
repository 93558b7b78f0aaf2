SELECT id FROM t WHERE s IN ('ab'::bpchar, 'xyz') ORDER BY id;
