SELECT grp AS g, max(k) AS k FROM t GROUP BY grp ORDER BY k;
