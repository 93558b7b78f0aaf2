CREATE VIEW bea AS SELECT businessentityid AS id, * FROM businessentityaddress;

SELECT * FROM bea;
