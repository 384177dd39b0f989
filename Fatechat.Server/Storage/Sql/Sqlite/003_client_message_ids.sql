-- The client message ids of stored messages, room and private alike: the database's guarantee that a send retried
-- with the same id is stored once even when the claim that normally catches it was lost (a restart of the
-- in-memory store, an expiry) and the retry got a second message id. Written in the message's transaction; the
-- primary key refuses the second. Client ids are 1-64 visible ASCII characters (ClientMessageIdRules).
CREATE TABLE IF NOT EXISTS client_message_ids (
    sender_mail       TEXT    NOT NULL,
    client_message_id TEXT    NOT NULL,
    message_id        TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    PRIMARY KEY (sender_mail, client_message_id)
) WITHOUT ROWID;
