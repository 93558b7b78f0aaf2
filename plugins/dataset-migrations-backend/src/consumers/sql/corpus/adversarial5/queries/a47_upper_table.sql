select T.id, K from T where T.K > 0 order by 1;
