SELECT id FROM t WHERE JSON_EXISTS(j, 'strict $.tags[$i]' PASSING n AS i) ORDER BY id;
