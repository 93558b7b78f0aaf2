SELECT DISTINCT ON (y, x) x, y FROM distinct_on_tbl;
