SELECT sum(f) AS total, max(f) AS top FROM t;
