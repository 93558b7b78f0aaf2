-- Other number formats spell any integer or numeric alike: read as it is.
SELECT id, to_char(n, 'FM999,999.00') AS money, to_char(n, 'RN') AS roman FROM t ORDER BY id;
