select min(v) from bytea_test_table;
