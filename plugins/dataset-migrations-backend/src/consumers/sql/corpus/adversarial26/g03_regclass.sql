SELECT count(*) AS n, 'orders'::regclass::text AS rel FROM orders WHERE tableoid = 'orders'::regclass;
