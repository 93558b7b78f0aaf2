-- How many columns items has, by a regular expression on its name.
SELECT c.relname, c.relnatts
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ '^items$';
