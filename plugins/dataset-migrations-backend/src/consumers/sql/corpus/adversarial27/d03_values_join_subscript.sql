SELECT v.label, i.id
FROM (VALUES ('red', 'warm'), ('blue', 'cold')) AS v(tag, label)
JOIN items i ON i.tags[1] = v.tag
ORDER BY 2;
