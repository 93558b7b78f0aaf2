SELECT id, n::money AS cash, n::oid AS o FROM t WHERE n IS NOT NULL ORDER BY id;
