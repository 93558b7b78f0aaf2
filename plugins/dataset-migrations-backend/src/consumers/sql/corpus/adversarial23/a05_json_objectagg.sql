SELECT JSON_OBJECTAGG(name : n)::text AS m FROM t;
