SELECT id, amt, "Amt", AMT + 1 AS amt1, "Amt" * 2 AS big FROM t ORDER BY id;
