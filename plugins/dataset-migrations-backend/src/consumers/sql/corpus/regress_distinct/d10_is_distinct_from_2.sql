SELECT f1, f1 IS DISTINCT FROM 2 as "not 2" FROM disttable;
