SELECT var_pop(b::numeric) FROM aggtest;
