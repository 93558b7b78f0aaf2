SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name LIKE 'items%'
ORDER BY table_name, ordinal_position;
