SELECT kk::text AS row_text FROM t AS kk ORDER BY 1;
