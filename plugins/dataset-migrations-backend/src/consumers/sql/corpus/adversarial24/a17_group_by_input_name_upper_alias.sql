SELECT upper(name) AS name, count(*) AS c FROM t GROUP BY name ORDER BY 1, 2;
