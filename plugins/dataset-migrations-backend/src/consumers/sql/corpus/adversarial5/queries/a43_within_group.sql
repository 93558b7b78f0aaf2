select percentile_cont(0.5) within group (order by k) as med, mode() within group (order by k) as mo from t;
