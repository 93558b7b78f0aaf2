SELECT "k", "n", t."p" FROM "t" ORDER BY "id";
