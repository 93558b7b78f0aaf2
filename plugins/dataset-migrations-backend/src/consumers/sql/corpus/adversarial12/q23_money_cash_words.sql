SELECT id, cash_words(m) AS words FROM t WHERE m IS NOT NULL ORDER BY id;
