-- A table constraint referencing the dataset's key.
CREATE TABLE c (x integer, FOREIGN KEY (x) REFERENCES t);
INSERT INTO c VALUES (1), (2);
SELECT x FROM c ORDER BY x;
