-- Each user's private conversations with their latest message, for the conversation list (GET /api/private):
-- two rows per pair of users, one for each side, kept up to date as messages are stored; filled here from the
-- messages stored so far.
CREATE TABLE IF NOT EXISTS private_conversations (
    user_mail       TEXT NOT NULL,
    other_mail      TEXT NOT NULL,
    last_message_id TEXT NOT NULL,
    PRIMARY KEY (user_mail, other_mail)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_private_conversations_user_last ON private_conversations (user_mail, last_message_id);

INSERT INTO private_conversations (user_mail, other_mail, last_message_id)
SELECT user_mail, other_mail, MAX(last_message_id) FROM (
    SELECT sender_mail AS user_mail, recipient_mail AS other_mail, id AS last_message_id FROM private_messages
    UNION ALL
    SELECT recipient_mail, sender_mail, id FROM private_messages
) GROUP BY user_mail, other_mail
ON CONFLICT (user_mail, other_mail) DO UPDATE SET last_message_id = MAX(last_message_id, excluded.last_message_id);
