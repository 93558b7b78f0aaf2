SELECT id, to_char(n, 'FM999') AS nc, to_char(p, 'FM990.00') AS pc, to_char(m, 'S99') AS mc FROM t ORDER BY id;
