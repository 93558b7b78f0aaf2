CREATE VIEW vEmployeeDepartmentHistory
AS
SELECT
    e.BusinessEntityID
    ,p.Title
    ,p.FirstName
    ,p.MiddleName
    ,p.LastName
    ,p.Suffix
    ,s.Name AS Shift
    ,d.Name AS Department
    ,d.GroupName
    ,edh.StartDate
    ,edh.EndDate
FROM Employee e
  INNER JOIN Person p
    ON p.BusinessEntityID = e.BusinessEntityID
  INNER JOIN EmployeeDepartmentHistory edh
    ON e.BusinessEntityID = edh.BusinessEntityID
  INNER JOIN Department d
    ON edh.DepartmentID = d.DepartmentID
  INNER JOIN Shift s
    ON s.ShiftID = edh.ShiftID;

SELECT * FROM vEmployeeDepartmentHistory;
