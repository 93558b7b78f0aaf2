SELECT id, tags[1] AS first_tag, upper(tags[2]) AS second_tag FROM items WHERE tags[1] <> 'blue' ORDER BY id;
