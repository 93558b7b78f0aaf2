SELECT t.id, v.labels[t.n] AS label, v.labels[1:t.n - 4] AS head FROM t, v ORDER BY t.id;
