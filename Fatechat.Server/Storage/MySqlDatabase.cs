using MySqlConnector;

namespace Fatechat.Server.Storage;

/// <summary>
/// The shared MySQL (or MariaDB) server, through the one <see cref="MySqlDataSource"/> of the process, which pools
/// the connections; repositories open a short-lived one per call.
/// </summary>
public sealed class MySqlDatabase(MySqlDataSource dataSource)
{
    public MySqlDataSource DataSource { get; } = dataSource;

    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = DataSource.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>ER_DUP_ENTRY: a unique key refused the row (a taken e-mail or room name, a message id stored before).</summary>
    public static bool IsDuplicateKey(MySqlException e) => e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry;

    /// <summary>
    /// What a DATETIME(3) column stores, cut (not rounded) to the millisecond as SQLite's Unix milliseconds are:
    /// MySQL 8 would round the extra digits and MariaDB would cut them. The value is taken as UTC whatever its
    /// Kind, as the SQLite classes do; Unspecified passes any <c>DateTimeKind</c> connection-string setting.
    /// </summary>
    public static DateTime ToColumn(DateTime value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Unspecified);

    /// <summary>DATETIME has no zone; every value Fatechat writes is UTC.</summary>
    public static DateTime FromColumn(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
