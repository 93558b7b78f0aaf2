SELECT max(c) || '|' AS top FROM t;
