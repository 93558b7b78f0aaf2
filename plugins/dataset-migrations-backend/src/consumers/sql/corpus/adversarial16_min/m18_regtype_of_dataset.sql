SELECT 't'::regtype::text AS tname;
