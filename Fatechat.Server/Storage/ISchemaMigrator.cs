namespace Fatechat.Server.Storage;

/// <summary>Brings the database schema up to date; safe to run on every start and from several nodes.</summary>
public interface ISchemaMigrator
{
    Task MigrateAsync(CancellationToken cancellationToken);
}
