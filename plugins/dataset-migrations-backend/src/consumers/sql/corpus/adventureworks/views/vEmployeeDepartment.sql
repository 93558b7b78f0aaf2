CREATE VIEW vEmployeeDepartment
AS
SELECT
    e.BusinessEntityID
    ,p.Title
    ,p.FirstName
    ,p.MiddleName
    ,p.LastName
    ,p.Suffix
    ,e.JobTitle
    ,d.Name AS Department
    ,d.GroupName
    ,edh.StartDate
FROM Employee e
  INNER JOIN Person p
    ON p.BusinessEntityID = e.BusinessEntityID
  INNER JOIN EmployeeDepartmentHistory edh
    ON e.BusinessEntityID = edh.BusinessEntityID
  INNER JOIN Department d
    ON edh.DepartmentID = d.DepartmentID
WHERE edh.EndDate IS NULL;

SELECT * FROM vEmployeeDepartment;
