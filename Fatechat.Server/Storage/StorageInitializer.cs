namespace Fatechat.Server.Storage;

/// <summary>Migrates the schema before Kestrel starts accepting requests (hosted services start first).</summary>
internal sealed class StorageInitializer(ISchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
