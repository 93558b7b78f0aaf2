SELECT id, '[' || greatest(s, c) || ']' AS g FROM t ORDER BY id;
