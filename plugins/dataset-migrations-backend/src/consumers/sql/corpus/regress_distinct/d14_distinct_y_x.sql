SELECT DISTINCT y, x FROM distinct_tbl;
