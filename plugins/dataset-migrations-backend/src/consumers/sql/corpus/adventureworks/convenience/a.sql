CREATE VIEW a AS SELECT addressid AS id, * FROM address;

SELECT * FROM a;
