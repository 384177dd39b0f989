namespace Fatechat.Tests.Migration;

/// <summary>
/// The tables the Node app's <c>sequelize.sync()</c> creates on MySQL (models User, ChatRoom, Message with
/// timestamps), as ../shared/reference/original-node-behaviour.md records them.
/// </summary>
internal static class NodeAppSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS `Users` (
            `id` INTEGER NOT NULL auto_increment,
            `email` VARCHAR(255) NOT NULL UNIQUE,
            `password` VARCHAR(255) NOT NULL,
            `createdAt` DATETIME NOT NULL,
            `updatedAt` DATETIME NOT NULL,
            PRIMARY KEY (`id`)
        ) ENGINE=InnoDB;
        CREATE TABLE IF NOT EXISTS `ChatRooms` (
            `id` INTEGER NOT NULL auto_increment,
            `name` VARCHAR(255) NOT NULL UNIQUE,
            `createdAt` DATETIME NOT NULL,
            `updatedAt` DATETIME NOT NULL,
            PRIMARY KEY (`id`)
        ) ENGINE=InnoDB;
        CREATE TABLE IF NOT EXISTS `Messages` (
            `id` INTEGER NOT NULL auto_increment,
            `message_text` VARCHAR(255),
            `sender_mail` VARCHAR(255),
            `is_event` TINYINT(1) DEFAULT false,
            `room_name` VARCHAR(255),
            `createdAt` DATETIME NOT NULL,
            `updatedAt` DATETIME NOT NULL,
            PRIMARY KEY (`id`),
            FOREIGN KEY (`room_name`) REFERENCES `ChatRooms` (`name`) ON DELETE SET NULL ON UPDATE CASCADE
        ) ENGINE=InnoDB;
        """;
}
