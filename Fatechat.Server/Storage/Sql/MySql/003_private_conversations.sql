-- Each user's private conversations with their latest message, for the conversation list (GET /api/private):
-- two rows per pair of users, one for each side, kept up to date as messages are stored. Filled here from the
-- messages stored so far; idempotent (CREATE IF NOT EXISTS, an upsert that only ever moves to a later message).
CREATE TABLE IF NOT EXISTS private_conversations (
    user_mail       VARCHAR(320) NOT NULL,
    other_mail      VARCHAR(320) NOT NULL,
    last_message_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (user_mail, other_mail),
    -- The list: WHERE user_mail = ? ORDER BY last_message_id DESC LIMIT n.
    KEY ix_private_conversations_user_last (user_mail, last_message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO private_conversations (user_mail, other_mail, last_message_id)
SELECT user_mail, other_mail, last_message_id FROM (
    SELECT sender_mail AS user_mail, recipient_mail AS other_mail, MAX(id) AS last_message_id
    FROM private_messages GROUP BY sender_mail, recipient_mail
    UNION ALL
    SELECT recipient_mail, sender_mail, MAX(id) FROM private_messages GROUP BY recipient_mail, sender_mail
) AS sides
ON DUPLICATE KEY UPDATE last_message_id = GREATEST(private_conversations.last_message_id, VALUES(last_message_id));
