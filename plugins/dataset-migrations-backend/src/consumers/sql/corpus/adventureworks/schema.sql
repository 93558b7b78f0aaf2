-- Ours: the tables AdventureWorks-for-Postgres's views read (install.sql at
-- b37c060, their column names and types, its domains; without the columns no
-- view reads, defaults, constraints and keys), in one schema, with rows of our own
-- chosen so every file reads rows (its data are Microsoft's CSVs, not in the
-- repository). The XML documents are ours, in the namespaces the views name.
CREATE DOMAIN "Flag" boolean NOT NULL;
CREATE DOMAIN "Name" varchar(50) NULL;
CREATE DOMAIN "Phone" varchar(25) NULL;

CREATE TABLE Person(
  BusinessEntityID INT NOT NULL,
  PersonType char(2) NOT NULL,
  Title varchar(8) NULL,
  FirstName "Name" NOT NULL,
  MiddleName "Name" NULL,
  LastName "Name" NOT NULL,
  Suffix varchar(10) NULL,
  EmailPromotion INT NOT NULL,
  AdditionalContactInfo XML NULL,
  Demographics XML NULL,
  rowguid uuid NOT NULL,
  ModifiedDate TIMESTAMP NOT NULL
);
CREATE TABLE StateProvince(
  StateProvinceID INT NOT NULL,
  StateProvinceCode char(3) NOT NULL,
  CountryRegionCode varchar(3) NOT NULL,
  IsOnlyStateProvinceFlag "Flag" NOT NULL,
  Name "Name" NOT NULL,
  TerritoryID INT NOT NULL
);
CREATE TABLE Address(
  AddressID INT NOT NULL,
  AddressLine1 varchar(60) NOT NULL,
  AddressLine2 varchar(60) NULL,
  City varchar(30) NOT NULL,
  StateProvinceID INT NOT NULL,
  PostalCode varchar(15) NOT NULL,
  ModifiedDate TIMESTAMP NOT NULL
);
CREATE TABLE AddressType(
  AddressTypeID INT NOT NULL,
  Name "Name" NOT NULL
);
CREATE TABLE BusinessEntityAddress(
  BusinessEntityID INT NOT NULL,
  AddressID INT NOT NULL,
  AddressTypeID INT NOT NULL
);
CREATE TABLE ContactType(
  ContactTypeID INT NOT NULL,
  Name "Name" NOT NULL
);
CREATE TABLE BusinessEntityContact(
  BusinessEntityID INT NOT NULL,
  PersonID INT NOT NULL,
  ContactTypeID INT NOT NULL
);
CREATE TABLE EmailAddress(
  BusinessEntityID INT NOT NULL,
  EmailAddressID INT NOT NULL,
  EmailAddress varchar(50) NULL
);
CREATE TABLE PhoneNumberType(
  PhoneNumberTypeID INT NOT NULL,
  Name "Name" NOT NULL
);
CREATE TABLE PersonPhone(
  BusinessEntityID INT NOT NULL,
  PhoneNumber "Phone" NOT NULL,
  PhoneNumberTypeID INT NOT NULL
);
CREATE TABLE CountryRegion(
  CountryRegionCode varchar(3) NOT NULL,
  Name "Name" NOT NULL
);
CREATE TABLE Employee(
  BusinessEntityID INT NOT NULL,
  JobTitle varchar(50) NOT NULL,
  VacationHours smallint NOT NULL
);
CREATE TABLE Department(
  DepartmentID INT NOT NULL,
  Name "Name" NOT NULL,
  GroupName "Name" NOT NULL
);
CREATE TABLE EmployeeDepartmentHistory(
  BusinessEntityID INT NOT NULL,
  DepartmentID smallint NOT NULL,
  ShiftID smallint NOT NULL,
  StartDate DATE NOT NULL,
  EndDate DATE NULL
);
CREATE TABLE Shift(
  ShiftID INT NOT NULL,
  Name "Name" NOT NULL
);
CREATE TABLE Customer(
  CustomerID INT NOT NULL,
  PersonID INT NULL,
  StoreID INT NULL,
  TerritoryID INT NULL
);
CREATE TABLE SalesTerritory(
  TerritoryID INT NOT NULL,
  Name "Name" NOT NULL,
  CountryRegionCode varchar(3) NOT NULL,
  "group" varchar(50) NOT NULL
);
CREATE TABLE SalesPerson(
  BusinessEntityID INT NOT NULL,
  TerritoryID INT NULL,
  SalesQuota numeric NULL,
  SalesYTD numeric NOT NULL,
  SalesLastYear numeric NOT NULL
);
CREATE TABLE SalesOrderHeader(
  SalesOrderID INT NOT NULL,
  OrderDate TIMESTAMP NOT NULL,
  CustomerID INT NOT NULL,
  SalesPersonID INT NULL,
  SubTotal numeric NOT NULL
);
CREATE TABLE Store(
  BusinessEntityID INT NOT NULL,
  Name "Name" NOT NULL,
  SalesPersonID INT NULL,
  Demographics XML NULL
);
CREATE TABLE Vendor(
  BusinessEntityID INT NOT NULL,
  AccountNumber varchar(15) NOT NULL,
  Name "Name" NOT NULL,
  CreditRating smallint NOT NULL
);
CREATE TABLE ProductModel(
  ProductModelID INT NOT NULL,
  Name "Name" NOT NULL,
  CatalogDescription XML NULL,
  Instructions XML NULL,
  rowguid uuid NOT NULL,
  ModifiedDate TIMESTAMP NOT NULL
);
CREATE TABLE Product(
  ProductID INT NOT NULL,
  Name "Name" NOT NULL,
  ProductNumber varchar(25) NOT NULL,
  ListPrice numeric NOT NULL,
  ProductModelID INT NULL
);
CREATE TABLE ProductDescription(
  ProductDescriptionID INT NOT NULL,
  Description varchar(400) NOT NULL
);
CREATE TABLE ProductModelProductDescriptionCulture(
  ProductModelID INT NOT NULL,
  ProductDescriptionID INT NOT NULL,
  CultureID char(6) NOT NULL
);

INSERT INTO CountryRegion VALUES ('US', 'United States'), ('CA', 'Canada');
INSERT INTO SalesTerritory VALUES (1, 'Northwest', 'US', 'North America'), (6, 'Canada', 'CA', 'North America');
INSERT INTO StateProvince VALUES
  (79, 'WA ', 'US', false, 'Washington', 1),
  (57, 'ON ', 'CA', false, 'Ontario', 6);
INSERT INTO Address VALUES
  (1, '1 Microsoft Way', NULL, 'Redmond', 79, '98052', '2014-01-01'),
  (2, '2 Lake St', 'Apt 4', 'Seattle', 79, '98101', '2014-01-01'),
  (3, '3 Queen St', NULL, 'Toronto', 57, 'M4B 1B3', '2014-01-01'),
  (4, '4 Industrial Rd', NULL, 'Bellevue', 79, '98004', '2014-01-01'),
  (5, '5 Vendor Ave', NULL, 'Tacoma', 79, '98402', '2014-01-01');
INSERT INTO AddressType VALUES (2, 'Home'), (3, 'Main Office');
INSERT INTO PhoneNumberType VALUES (1, 'Cell'), (3, 'Work');
INSERT INTO ContactType VALUES (11, 'Owner'), (14, 'Purchasing Manager');
INSERT INTO Person VALUES
  (1, 'EM', NULL, 'Ken', 'J', 'Sánchez', NULL, 0,
   '<AdditionalContactInfo xmlns="http://schemas.microsoft.com/sqlserver/2004/07/adventure-works/ContactInfo" xmlns:act="http://schemas.microsoft.com/sqlserver/2004/07/adventure-works/ContactTypes"><act:telephoneNumber><act:number>425-555-1112</act:number><act:SpecialInstructions> Call after 5 pm </act:SpecialInstructions></act:telephoneNumber><act:homePostalAddress><act:Street>2 Lake St</act:Street><act:City>Seattle</act:City><act:StateProvince>WA</act:StateProvince><act:PostalCode>98101</act:PostalCode><act:CountryRegion>US</act:CountryRegion></act:homePostalAddress><act:eMail><act:eMailAddress>ken@example.com</act:eMailAddress><act:SpecialInstructions> Weekdays <act:telephoneNumber><act:number>425-555-0100</act:number></act:telephoneNumber></act:SpecialInstructions></act:eMail></AdditionalContactInfo>',
   NULL, md5('person1')::uuid, '2014-01-07'),
  (2, 'SP', 'Mr.', 'Stephen', 'Y', 'Jiang', NULL, 1, NULL, NULL, md5('person2')::uuid, '2014-01-08'),
  (3, 'IN', 'Ms.', 'Jon', NULL, 'Yang', 'Jr.', 2, NULL,
   '<IndividualSurvey xmlns="http://schemas.microsoft.com/sqlserver/2004/07/adventure-works/IndividualSurvey"><TotalPurchaseYTD>8248.99</TotalPurchaseYTD><DateFirstPurchase>2011-06-21Z</DateFirstPurchase><BirthDate>1966-04-08Z</BirthDate><MaritalStatus>M</MaritalStatus><YearlyIncome>75001-100000</YearlyIncome><Gender>M</Gender><TotalChildren>2</TotalChildren><NumberChildrenAtHome>0</NumberChildrenAtHome><Education>Bachelors </Education><Occupation>Professional</Occupation><HomeOwnerFlag>1</HomeOwnerFlag><NumberCarsOwned>0</NumberCarsOwned></IndividualSurvey>',
   md5('person3')::uuid, '2014-01-09'),
  (4, 'SC', NULL, 'Paula', 'M', 'Barreto', NULL, 0, NULL, NULL, md5('person4')::uuid, '2014-01-10'),
  (5, 'VC', 'Mr.', 'Robert', NULL, 'Bray', NULL, 1, NULL, NULL, md5('person5')::uuid, '2014-01-11');
INSERT INTO Employee VALUES (1, 'Chief Executive Officer', 99), (2, 'North American Sales Manager', 14);
INSERT INTO Department VALUES (16, 'Executive', 'Executive General and Administration'), (3, 'Sales', 'Sales and Marketing');
INSERT INTO Shift VALUES (1, 'Day'), (2, 'Evening');
INSERT INTO EmployeeDepartmentHistory VALUES
  (1, 16, 1, '2009-01-14', NULL),
  (2, 16, 1, '2009-02-01', '2011-05-30'),
  (2, 3, 2, '2011-05-31', NULL);
INSERT INTO BusinessEntityAddress VALUES (1, 2, 2), (2, 1, 2), (3, 3, 2), (10, 4, 3), (20, 5, 3);
INSERT INTO EmailAddress VALUES
  (1, 1, 'ken0@adventure-works.com'), (2, 2, 'stephen0@adventure-works.com'),
  (3, 3, 'jon24@adventure-works.com'), (4, 4, 'paula0@adventure-works.com');
INSERT INTO PersonPhone VALUES (1, '697-555-0142', 1), (2, '238-555-0197', 3), (3, '1 (11) 500 555-0162', 1), (5, '853-555-0174', 3);
INSERT INTO SalesPerson VALUES (2, 1, NULL, 559697.5639, 0.00);
INSERT INTO Store VALUES
  (10, 'Next-Door Bike Store', 2,
   '<StoreSurvey xmlns="http://schemas.microsoft.com/sqlserver/2004/07/adventure-works/StoreSurvey"><AnnualSales>800000</AnnualSales><AnnualRevenue>80000</AnnualRevenue><BankName>United Security</BankName><BusinessType>BM</BusinessType><YearOpened>1996</YearOpened><Specialty>Mountain</Specialty><SquareFeet>21000</SquareFeet><Brands>2</Brands><Internet>ISDN</Internet><NumberEmployees>13</NumberEmployees></StoreSurvey>');
INSERT INTO BusinessEntityContact VALUES (10, 4, 11), (20, 5, 14);
INSERT INTO Vendor VALUES (20, 'AUSTRALI0001', 'Australia Bike Retailer', 1);
INSERT INTO Customer VALUES (11000, 3, NULL, 6), (29485, 4, 10, 1);
INSERT INTO SalesOrderHeader VALUES
  (43659, '2011-05-31', 29485, 2, 20565.6206),
  (43660, '2011-12-31', 29485, 2, 1294.2529),
  (43661, '2012-07-01', 11000, 2, 32726.4786);
INSERT INTO ProductModel VALUES
  (7, 'HL Touring Frame', NULL, NULL,
   md5('pm7')::uuid, '2013-04-30'),
  (19, 'Mountain-100', 
   '<p1:ProductDescription xmlns:p1="http://schemas.microsoft.com/sqlserver/2004/07/adventure-works/ProductModelDescription" xmlns:wm="http://schemas.microsoft.com/sqlserver/2004/07/adventure-works/ProductModelWarrAndMain" xmlns:wf="http://www.adventure-works.com/schemas/OtherFeatures" xmlns:html="http://www.w3.org/1999/xhtml" ProductModelID="19" ProductModelName="Mountain 100"><p1:Summary><html:p>Our top-of-the-line competition mountain bike.</html:p></p1:Summary><p1:Manufacturer><p1:Name>AdventureWorks</p1:Name><p1:Copyright>2002</p1:Copyright><p1:ProductURL>HTTP://www.Adventure-works.com</p1:ProductURL></p1:Manufacturer><p1:Features><wm:Warranty><wm:WarrantyPeriod>3 years</wm:WarrantyPeriod><wm:Description>parts and labor</wm:Description></wm:Warranty><wm:Maintenance><wm:NoOfYears>10 years</wm:NoOfYears><wm:Description>maintenance contract</wm:Description></wm:Maintenance><wf:wheel>High performance wheels.</wf:wheel><wf:saddle>Anatomic design</wf:saddle><wf:pedal>Top-of-the-line clipless pedals</wf:pedal><wf:BikeFrame>Each frame is hand-crafted</wf:BikeFrame><wf:crankset> Triple crankset</wf:crankset></p1:Features><p1:Picture><p1:Angle>front</p1:Angle><p1:Size>small</p1:Size><p1:ProductPhotoID>118</p1:ProductPhotoID></p1:Picture><p1:Specifications><Material>Almuminum Alloy</Material><Color>Available in most colors</Color><ProductLine>Mountain bike</ProductLine><Style>Unisex</Style><RiderExperience>Advanced to Professional riders</RiderExperience></p1:Specifications></p1:ProductDescription>',
   NULL, md5('pm19')::uuid, '2013-04-30');
INSERT INTO Product VALUES
  (771, 'Mountain-100 Silver, 38', 'BK-M82S-38', 3399.99, 19),
  (772, 'Mountain-100 Silver, 42', 'BK-M82S-42', 3399.99, 19),
  (717, 'HL Road Frame - Red, 62', 'FR-R92R-62', 1431.50, 7);
INSERT INTO ProductDescription VALUES (1, 'Top-of-the-line competition mountain bike.'), (2, 'Vélo de montagne de compétition.'), (3, 'Our lightest and best quality frame.');
INSERT INTO ProductModelProductDescriptionCulture VALUES (19, 1, 'en    '), (19, 2, 'fr    '), (7, 3, 'en    ');
