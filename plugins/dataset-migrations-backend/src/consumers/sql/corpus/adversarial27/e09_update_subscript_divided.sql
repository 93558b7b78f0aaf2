-- The subscript of a SET target is an expression too: qty / 2 divides as
-- integers (3 / 2 = 1), a numeric qty gives 1.5, which the subscript rounds to 2.
UPDATE items SET scores[qty / 2] = -1 WHERE id IN (1, 3);
SELECT id, scores FROM items ORDER BY id;
