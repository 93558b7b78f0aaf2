SELECT id FROM items WHERE 4 = ANY(scores) OR scores @> ARRAY[7] OR 'sale' = ANY(tags) ORDER BY id;
