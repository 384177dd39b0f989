-- Every statement is idempotent, so a run interrupted before it was recorded can simply run again.
-- Times are Unix milliseconds (UTC). Message ids are ULIDs, which sort by time as text.

CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_users_email ON users (email);

CREATE TABLE IF NOT EXISTS chat_rooms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_chat_rooms_name ON chat_rooms (name);

CREATE TABLE IF NOT EXISTS messages (
    id           TEXT    NOT NULL PRIMARY KEY,
    room_name    TEXT    NOT NULL,
    message_text TEXT    NOT NULL,
    sender_mail  TEXT    NOT NULL,
    is_event     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
-- History pages: WHERE room_name = ? AND id < ? ORDER BY id DESC.
CREATE INDEX IF NOT EXISTS ix_messages_room_id ON messages (room_name, id);

CREATE TABLE IF NOT EXISTS private_messages (
    id               TEXT    NOT NULL PRIMARY KEY,
    conversation_key TEXT    NOT NULL,
    sender_mail      TEXT    NOT NULL,
    recipient_mail   TEXT    NOT NULL,
    message_text     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_private_messages_conversation_id ON private_messages (conversation_key, id);
