select a,b from test_table where (a,b) > ('a','a') order by a,b;
