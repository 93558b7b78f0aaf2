SELECT '😀 é' AS face, k, U&"\0074".n FROM U&"\0074" WHERE s <> '€' ORDER BY id;
