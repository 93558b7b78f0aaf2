SELECT count(*) AS c FROM ONLY t WHERE k > 0;
