select row_to_json(i) from int8_tbl i(x,y);
