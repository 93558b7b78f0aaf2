SELECT (('(9,5,1,x,)')::t).n / 2 AS half;
