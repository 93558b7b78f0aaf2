SELECT max(student.gpa) AS max_3_7 FROM student;
