-- The client message ids of stored messages, room and private alike: the database's guarantee that a send retried
-- with the same id (socket.io-client's `retries`) is stored once even when the shared claim in Redis was lost (an
-- outage, an expiry) and the retry got a second message id. Written in the message's transaction; the primary key
-- refuses the second. A table of its own rather than a column: CREATE TABLE IF NOT EXISTS can run again (MySQL 8
-- has no ADD COLUMN IF NOT EXISTS), and the messages tables are not rebuilt.
--
-- Client ids are 1-64 visible ASCII characters (ClientMessageIdRules), compared as bytes.
CREATE TABLE IF NOT EXISTS client_message_ids (
    sender_mail       VARCHAR(320) NOT NULL,
    client_message_id VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    message_id        CHAR(26)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at        DATETIME(3)  NOT NULL,
    PRIMARY KEY (sender_mail, client_message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
