SELECT jsonb_build_object('q', sum(n) / 4) AS o FROM t;
