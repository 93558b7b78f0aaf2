SELECT f1, f1 IS DISTINCT FROM f1 as "false" FROM disttable;
