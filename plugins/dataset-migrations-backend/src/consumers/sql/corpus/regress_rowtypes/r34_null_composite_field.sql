SELECT (NULL::compositetable).a;
