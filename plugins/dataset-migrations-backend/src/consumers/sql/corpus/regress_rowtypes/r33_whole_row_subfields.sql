SELECT (d).a, (d).b FROM (SELECT compositetable AS d FROM compositetable) s;
