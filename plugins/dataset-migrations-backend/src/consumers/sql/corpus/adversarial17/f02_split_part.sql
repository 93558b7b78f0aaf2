SELECT id, split_part('a,b,c,d,e,f,g,h,i', ',', n) AS part FROM t ORDER BY id;
