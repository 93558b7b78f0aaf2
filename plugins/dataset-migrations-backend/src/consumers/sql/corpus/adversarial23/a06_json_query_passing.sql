SELECT id, JSON_QUERY(j, '$.tags[$n]' PASSING n AS n)::text AS tag FROM t WHERE n < 4 ORDER BY id;
