SELECT v.label, t.n FROM (VALUES (10, 'ten'), (30, 'thirty')) AS v(k, label) JOIN t ON t.k = v.k ORDER BY 1, 2;
