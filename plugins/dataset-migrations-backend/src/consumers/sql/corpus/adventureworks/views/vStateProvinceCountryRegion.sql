CREATE MATERIALIZED VIEW vStateProvinceCountryRegion
AS
SELECT
    sp.StateProvinceID
    ,sp.StateProvinceCode
    ,sp.IsOnlyStateProvinceFlag
    ,sp.Name AS StateProvinceName
    ,sp.TerritoryID
    ,cr.CountryRegionCode
    ,cr.Name AS CountryRegionName
FROM StateProvince sp
    INNER JOIN CountryRegion cr
    ON sp.CountryRegionCode = cr.CountryRegionCode;

CREATE UNIQUE INDEX IX_vStateProvinceCountryRegion ON vStateProvinceCountryRegion(StateProvinceID, CountryRegionCode);
CLUSTER vStateProvinceCountryRegion USING IX_vStateProvinceCountryRegion;

SELECT * FROM vStateProvinceCountryRegion;
