SELECT id, (scores)[1] AS s1, (i.tags)[2] AS t2, (i.attrs)['color'] AS c FROM items i ORDER BY id;
