SELECT id, (jsonb_build_object('k', n)->>'k')::int / 2 AS half FROM t ORDER BY id;
