declare c3 cursor for select * from int8_tbl offset 3;
fetch all in c3;
