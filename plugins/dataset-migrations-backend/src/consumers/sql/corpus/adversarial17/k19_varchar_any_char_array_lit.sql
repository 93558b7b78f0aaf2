SELECT id FROM t WHERE s = ANY ('{ab,x}'::bpchar[]) ORDER BY id;
