CREATE VIEW pm AS SELECT productmodelid AS id, * FROM productmodel;

SELECT * FROM pm;
