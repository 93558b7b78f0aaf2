SELECT id, /* outer /* inner */ still a comment: k */ n FROM t ORDER BY id;
