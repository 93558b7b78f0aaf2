CREATE VIEW st AS SELECT territoryid AS id, * FROM salesterritory;

SELECT * FROM st;
