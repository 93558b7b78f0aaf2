-- The seed `orders` the models ref(), written here to break the rewriter.
CREATE TABLE orders (
  id integer,
  cust integer,
  amount integer,
  qty smallint,
  status text
);
INSERT INTO orders VALUES
  (1, 1, 10, 2, 'paid'), (2, 1, 25, 3, 'paid'), (3, 2, 25, 1, 'open'),
  (4, 3, 7, 1, 'void'), (5, NULL, 40, 4, NULL), (6, 5, NULL, 2, 'paid'),
  (7, 3, 13, 5, 'open');
