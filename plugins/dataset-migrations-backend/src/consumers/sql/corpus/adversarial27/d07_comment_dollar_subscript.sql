SELECT id,
       $x$scores[1] and attrs['color']$x$ AS txt, -- tags[1] in a comment
       /* loc[0] */ scores[1] AS s
FROM items
ORDER BY id;
