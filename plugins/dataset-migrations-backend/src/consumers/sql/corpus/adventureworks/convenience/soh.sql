CREATE VIEW soh AS SELECT salesorderid AS id, * FROM salesorderheader;

SELECT * FROM soh;
