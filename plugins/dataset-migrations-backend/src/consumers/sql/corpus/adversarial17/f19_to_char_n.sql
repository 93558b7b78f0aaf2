SELECT id, to_char(n, 'FM000') AS padded, n::text AS txt, n::money AS cash FROM t ORDER BY id;
