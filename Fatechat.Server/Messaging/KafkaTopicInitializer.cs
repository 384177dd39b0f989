using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fatechat.Server.Hosting;

namespace Fatechat.Server.Messaging;

/// <summary>
/// Makes sure the chat topics exist before any consumer subscribes. Topics that already exist are left alone;
/// missing ones are created where the cluster allows. Creation may be refused (no ACL, auto-creation policies) or
/// time out (librdkafka's mock cluster does not implement CreateTopics): that is fine as long as the topics exist
/// afterwards, so only a topic that is still missing stops the start-up. Runs once per process.
/// </summary>
public sealed partial class KafkaTopicInitializer(KafkaClientConfigs configs, ILogger<KafkaTopicInitializer> logger)
{
    private readonly Lock _lock = new();
    private Task? _ensured;

    public Task EnsureTopicsAsync()
    {
        lock (_lock)
        {
            // A failed attempt is not cached: the next caller tries again.
            if (_ensured is null || _ensured.IsFaulted || _ensured.IsCanceled)
            {
                _ensured = Task.Run(Ensure);
            }

            return _ensured;
        }
    }

    private void Ensure()
    {
        var options = configs.Options;
        var timeout = TimeSpan.FromSeconds(options.StartupTimeoutSeconds);
        string[] wanted = [options.MessagesTopic, options.EventsTopic];
        var clientLog = new KafkaClientLog(logger);
        using var admin = new AdminClientBuilder(configs.Admin())
            .SetLogHandler((_, message) => clientLog.OnLog(message))
            .SetErrorHandler((_, error) =>
            {
                if (clientLog.ShouldLog(error.Code, out int _))
                {
                    LogAdminError(error.Code, error.Reason);
                }
            })
            .Build();

        var missing = MissingTopics(admin, wanted, timeout, options.BootstrapServers);
        if (missing.Count == 0)
        {
            return;
        }

        try
        {
            var specifications = missing.Select(name => new TopicSpecification
            {
                Name = name,
                NumPartitions = options.Partitions,
                ReplicationFactor = options.ReplicationFactor,
            });
            var creation = admin.CreateTopicsAsync(specifications, new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout });
            if (creation.Wait(timeout + TimeSpan.FromSeconds(5)))
            {
                LogTopicsCreated(string.Join(", ", missing), options.Partitions);
                return;
            }

            LogCreationFailed(string.Join(", ", missing), $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (Unwrap(e) is CreateTopicsException { Results: var results }
                                  && results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another node created them first.
            return;
        }
        catch (Exception e) when (Unwrap(e) is KafkaException)
        {
            LogCreationFailed(string.Join(", ", missing), Unwrap(e).Message);
        }

        var stillMissing = MissingTopics(admin, wanted, timeout, options.BootstrapServers);
        if (stillMissing.Count > 0)
        {
            throw new FatechatConfigurationException(
                $"Kafka topics {string.Join(", ", stillMissing)} do not exist on {options.BootstrapServers} and could not be created; create them or allow Fatechat to.");
        }
    }

    private static List<string> MissingTopics(IAdminClient admin, string[] wanted, TimeSpan timeout, string bootstrapServers)
    {
        Metadata metadata;
        try
        {
            // Metadata for all topics: asking for one by name could auto-create it with the broker's defaults.
            metadata = admin.GetMetadata(timeout);
        }
        catch (KafkaException e)
        {
            throw new FatechatConfigurationException($"Kafka at {bootstrapServers} did not answer a metadata request: {e.Error.Reason}");
        }

        var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
            .Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
        return wanted.Where(t => !existing.Contains(t)).Distinct().ToList();
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException!) : e;

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Kafka admin client reports {Code}: {Reason}")]
    private partial void LogAdminError(ErrorCode code, string reason);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Created Kafka topics {Topics} with {Partitions} partitions")]
    private partial void LogTopicsCreated(string topics, int partitions);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Creating Kafka topics {Topics} failed ({Reason}); checking whether they exist anyway")]
    private partial void LogCreationFailed(string topics, string reason);
}
