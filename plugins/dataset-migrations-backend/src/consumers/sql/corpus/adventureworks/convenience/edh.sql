CREATE VIEW edh AS SELECT businessentityid AS id, * FROM employeedepartmenthistory;

SELECT * FROM edh;
