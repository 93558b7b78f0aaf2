SELECT "k", t."k" AS k2, T.K AS k3 FROM t ORDER BY "id";
