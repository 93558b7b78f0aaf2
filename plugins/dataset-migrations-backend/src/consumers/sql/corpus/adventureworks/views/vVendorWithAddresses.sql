CREATE VIEW vVendorWithAddresses
AS
SELECT
    v.BusinessEntityID
    ,v.Name
    ,at.Name AS AddressType
    ,a.AddressLine1
    ,a.AddressLine2
    ,a.City
    ,sp.Name AS StateProvinceName
    ,a.PostalCode
    ,cr.Name AS CountryRegionName
FROM Vendor v
  INNER JOIN BusinessEntityAddress bea
    ON bea.BusinessEntityID = v.BusinessEntityID
  INNER JOIN Address a
    ON a.AddressID = bea.AddressID
  INNER JOIN StateProvince sp
    ON sp.StateProvinceID = a.StateProvinceID
  INNER JOIN CountryRegion cr
    ON cr.CountryRegionCode = sp.CountryRegionCode
  INNER JOIN AddressType at
    ON at.AddressTypeID = bea.AddressTypeID;

SELECT * FROM vVendorWithAddresses;
