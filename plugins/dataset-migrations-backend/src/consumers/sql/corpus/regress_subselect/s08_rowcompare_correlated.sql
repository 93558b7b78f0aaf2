-- Check ROWCOMPARE cases, both correlated and not

SELECT ROW(1, 2) = (SELECT f1, f2) AS eq FROM SUBSELECT_TBL;
