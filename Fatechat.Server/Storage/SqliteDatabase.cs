using Microsoft.Data.Sqlite;

namespace Fatechat.Server.Storage;

/// <summary>
/// The embedded database: one file, short-lived pooled connections. WAL lets readers run beside the single
/// writer; the default timeout makes a busy writer wait instead of failing.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = path;
        var folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // With WAL, NORMAL syncs at checkpoints instead of every commit: the file stays consistent after a crash,
        // only the last commits before a power cut may be lost, and each insert costs microseconds, not an fsync.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>SQLITE_CONSTRAINT: the unique index refused a duplicate e-mail or room name.</summary>
    public static bool IsUniqueViolation(SqliteException e) => e.SqliteErrorCode == 19;

    public static long ToUnixMs(DateTime value) => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    public static DateTime FromUnixMs(long value) => DateTime.UnixEpoch.AddMilliseconds(value);
}
