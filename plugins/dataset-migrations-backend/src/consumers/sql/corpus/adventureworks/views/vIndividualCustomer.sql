CREATE VIEW vIndividualCustomer
AS
SELECT
    p.BusinessEntityID
    ,p.Title
    ,p.FirstName
    ,p.MiddleName
    ,p.LastName
    ,p.Suffix
    ,pp.PhoneNumber
    ,pnt.Name AS PhoneNumberType
    ,ea.EmailAddress
    ,p.EmailPromotion
    ,at.Name AS AddressType
    ,a.AddressLine1
    ,a.AddressLine2
    ,a.City
    ,sp.Name AS StateProvinceName
    ,a.PostalCode
    ,cr.Name AS CountryRegionName
    ,p.Demographics
FROM Person p
  INNER JOIN BusinessEntityAddress bea
    ON bea.BusinessEntityID = p.BusinessEntityID
  INNER JOIN Address a
    ON a.AddressID = bea.AddressID
  INNER JOIN StateProvince sp
    ON sp.StateProvinceID = a.StateProvinceID
  INNER JOIN CountryRegion cr
    ON cr.CountryRegionCode = sp.CountryRegionCode
  INNER JOIN AddressType at
    ON at.AddressTypeID = bea.AddressTypeID
  INNER JOIN Customer c
    ON c.PersonID = p.BusinessEntityID
  LEFT OUTER JOIN EmailAddress ea
    ON ea.BusinessEntityID = p.BusinessEntityID
  LEFT OUTER JOIN PersonPhone pp
    ON pp.BusinessEntityID = p.BusinessEntityID
  LEFT OUTER JOIN PhoneNumberType pnt
    ON pnt.PhoneNumberTypeID = pp.PhoneNumberTypeID
WHERE c.StoreID IS NULL;

SELECT * FROM vIndividualCustomer;
