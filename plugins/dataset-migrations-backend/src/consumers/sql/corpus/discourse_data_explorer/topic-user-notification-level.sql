-- [params]
-- null int :user
-- null int :notification_level

SELECT t.category_id AS category_id, t.id AS topic_id, tu.last_visited_at AS topic_last_visited_at
FROM topics t
JOIN topic_users tu ON tu.topic_id = t.id AND tu.user_id = 1 AND tu.notification_level = 3
ORDER BY tu.last_visited_at DESC
