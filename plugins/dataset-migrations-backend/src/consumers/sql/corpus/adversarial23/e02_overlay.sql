SELECT id, overlay(name PLACING '*' FROM s FOR 1) AS masked FROM t ORDER BY id;
