CREATE VIEW p AS SELECT businessentityid AS id, * FROM person;
CREATE VIEW e AS SELECT businessentityid AS id, * FROM employee;

SELECT p.firstname, e.jobtitle
FROM p
  INNER JOIN e ON p.id = e.id;
