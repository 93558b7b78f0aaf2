SELECT a.assigned_to_id user_id, a.topic_id
FROM assignments a
JOIN topics t on t.id = a.topic_id
JOIN users u on u.id = a.assigned_to_id
  WHERE a.assigned_to_type = 'User'
  AND t.deleted_at IS NULL
ORDER BY username, topic_id
