SELECT t.name, count(*) AS columns
FROM unnest(string_to_array('items,kinds', ',')) AS t(name)
JOIN information_schema.columns c ON c.table_schema = current_schema() AND c.table_name = t.name
GROUP BY t.name
ORDER BY t.name;
