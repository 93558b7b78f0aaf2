-- check handling of bare boolean Var in FILTER
select max(0) filter (where b1) from bool_test;
