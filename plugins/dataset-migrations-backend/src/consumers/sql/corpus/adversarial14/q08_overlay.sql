SELECT id, overlay(s placing '#' from n) AS o FROM t WHERE s IS NOT NULL ORDER BY id;
