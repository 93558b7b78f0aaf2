-- A foreign key to the dataset names its column as a name, not a reference.
CREATE TABLE c (x integer REFERENCES t (n));
INSERT INTO c VALUES (3), (7);
SELECT x FROM c ORDER BY x;
