-- How far the import of a Node app's tables (Users, ChatRooms, Messages) has got, per table: the highest Node id
-- taken so far. Each start imports only rows after it, so a second start imports nothing twice and an interrupted
-- one resumes (see NodeAppImporter).
CREATE TABLE IF NOT EXISTS node_import (
    source_table VARCHAR(32) NOT NULL,
    last_id      BIGINT      NOT NULL,
    updated_at   DATETIME(3) NOT NULL,
    PRIMARY KEY (source_table)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
