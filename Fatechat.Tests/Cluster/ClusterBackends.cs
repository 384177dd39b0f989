namespace Fatechat.Tests.Cluster;

/// <summary>
/// MariaDB and Redis for a cluster other than the shared ones from <c>.ci/services.sh</c>: a fault test's own
/// instances, which it may stop without breaking the tests that run beside it.
/// </summary>
/// <param name="MySqlServer">a MySqlConnector string for a user that may create databases</param>
/// <param name="Redis">a StackExchange.Redis configuration string</param>
internal sealed record ClusterBackends(string? MySqlServer, string? Redis);
