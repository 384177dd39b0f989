-- Runs on MySQL 8 and MariaDB 10.11. Every statement is idempotent (CREATE TABLE IF NOT EXISTS, indexes declared
-- inside it, since MySQL 8 has no CREATE INDEX IF NOT EXISTS), so a run interrupted before it was recorded can
-- simply run again.
--
-- Times are DATETIME(3) in UTC: DATETIME, unlike TIMESTAMP, is never shifted by the session time zone.
-- Text is utf8mb4_bin, so room names, e-mails and conversation keys match by code point as they do in SQLite.
-- A _ci collation would also fold accents ('café' = 'cafe'), and every collation both servers share ignores
-- trailing spaces, so the case-insensitive uniqueness of e-mails and room names uses a binary LOWER() key column. Message ids are ULIDs: ASCII,
-- sortable as text, and the clustered primary key grows at its end.

CREATE TABLE IF NOT EXISTS users (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    email         VARCHAR(320) NOT NULL,
    email_key     VARBINARY(1280) AS (LOWER(email)) STORED,
    password_hash VARCHAR(255) NOT NULL,
    created_at    DATETIME(3)  NOT NULL,
    updated_at    DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_users_email_key (email_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS chat_rooms (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    name       VARCHAR(255) NOT NULL,
    name_key   VARBINARY(1020) AS (LOWER(name)) STORED,
    created_at DATETIME(3)  NOT NULL,
    updated_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_chat_rooms_name_key (name_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS messages (
    id           CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    room_name    VARCHAR(255) NOT NULL,
    message_text MEDIUMTEXT   NOT NULL,
    sender_mail  VARCHAR(320) NOT NULL,
    is_event     TINYINT(1)   NOT NULL,
    created_at   DATETIME(3)  NOT NULL,
    updated_at   DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    -- History pages: WHERE room_name = ? AND id < ? ORDER BY id DESC LIMIT n.
    KEY ix_messages_room_id (room_name, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS private_messages (
    id               CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    conversation_key VARCHAR(641) NOT NULL,
    sender_mail      VARCHAR(320) NOT NULL,
    recipient_mail   VARCHAR(320) NOT NULL,
    message_text     MEDIUMTEXT   NOT NULL,
    created_at       DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    -- Both directions of a conversation share one key: WHERE conversation_key = ? AND id < ? ORDER BY id DESC.
    KEY ix_private_messages_conversation_id (conversation_key, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
