CREATE MATERIALIZED VIEW vProductAndDescription
AS
SELECT
    p.ProductID
    ,p.Name
    ,pm.Name AS ProductModel
    ,pmx.CultureID
    ,pd.Description
FROM Product p
    INNER JOIN ProductModel pm
    ON p.ProductModelID = pm.ProductModelID
    INNER JOIN ProductModelProductDescriptionCulture pmx
    ON pm.ProductModelID = pmx.ProductModelID
    INNER JOIN ProductDescription pd
    ON pmx.ProductDescriptionID = pd.ProductDescriptionID;

-- Index the vProductAndDescription view
CREATE UNIQUE INDEX IX_vProductAndDescription ON vProductAndDescription(CultureID, ProductID);
CLUSTER vProductAndDescription USING IX_vProductAndDescription;

SELECT * FROM vProductAndDescription;
