SELECT id, scores[1:2] AS head, attrs INTO TEMP heads FROM items;
SELECT id, head[2] AS second, attrs['n'] AS n FROM heads ORDER BY id;
