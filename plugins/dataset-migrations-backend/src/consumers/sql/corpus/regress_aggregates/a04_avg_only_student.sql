SELECT avg(gpa) AS avg_3_4 FROM ONLY student;
