select extract(day from timestamp '2012-08-31');
