-- Probes of the round after adversarial26 (2026-12-07): fields of array, jsonb and
-- point types retyped (read cast back) and renamed, read through subscripts and
-- slices (`scores[1]`, `tags[2:]`, `attrs['dims']['w']`, `loc[0]`) in every
-- clause, written through subscripts (`SET attrs['color'] = …`), carried through
-- CREATE TABLE AS / SELECT INTO, LATERAL, generate_series, VALUES, FILTER,
-- ordered-set aggregates and DISTINCT ON; a widened integer mixed into arrays;
-- a column named like position(), a quoted mixed-case one, and names hidden in
-- comments and dollar quotes; a field spelled past 63 characters, which Postgres
-- truncates to its name; expressions inside the subscripts of SET targets and
-- INSERT column lists; a widened field passed on through a made table's column
-- renamed by ALTER, a made table's row type, or a CTE's whole row passed on; and
-- catalog queries spelling the table inside a longer string ('{items,kinds}').
CREATE TABLE items (
  id integer PRIMARY KEY,
  qty integer,
  scores integer[],
  tags varchar(12)[],
  attrs jsonb,
  sku varchar(8),
  code char(5),
  loc point,
  "Kind" text,
  position integer,
  placed date,
  -- 66 characters: Postgres keeps the first 63.
  description_of_the_item_as_entered_by_the_merchant_at_listing_time text
);
INSERT INTO items VALUES
  (1, 3, '{5,2,9}', '{red,small}', '{"color": "red", "dims": {"w": 2, "h": 3}, "n": 1}', 'A-1', 'ab', '(1,2)', 'Tool', 1, '2026-01-10', 'first'),
  (2, 1, '{7}', '{blue}', '{"color": "blue", "dims": {"w": 5, "h": 1}, "n": 2}', 'B-22', 'ab  ', '(3,4)', 'toy', 2, '2026-01-11', 'second'),
  (3, 7, '{1,1,4,8}', '{red,large,sale}', '{"color": "red", "n": 3}', 'C-333', 'cde', '(0,-1)', 'Tool', 3, '2026-02-01', 'third'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 2, '{}', '{}', '{}', 'D', 'zz', '(5,5)', 'Food', 6, '2026-03-05', 'fifth'),
  (6, 4, '{3,6}', '{green,small}', '{"color": "green", "dims": {"w": 1}, "n": 6}', 'E-55555', 'xy', '(2,2)', 'toy', 5, '2026-03-07', 'sixth');
CREATE TABLE kinds (kind text, label text);
INSERT INTO kinds VALUES ('Tool', 'tools'), ('toy', 'toys'), ('Food', 'food');
