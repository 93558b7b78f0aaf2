(((((select * from int8_tbl)))));
