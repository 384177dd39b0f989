using System.Reflection;
using System.Runtime.InteropServices;

namespace Fatechat.KafkaMock;

/// <summary>
/// P/Invoke surface of librdkafka's mock cluster (rdkafka_mock.h) and the few client calls the trimmer needs.
/// The native library comes from the librdkafka.redist package.
/// </summary>
internal static partial class LibRdKafkaMock
{
    private const string Library = "librdkafka";

    public const int ProducerType = 0;
    public const int ConfOk = 0;
    public const int NoError = 0;

    static LibRdKafkaMock() =>
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaMock).Assembly, ResolveLibRdKafka);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(nint conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_conf_destroy(nint conf);

    /// <summary>Takes ownership of <paramref name="conf"/> only when it succeeds.</summary>
    [LibraryImport(Library)]
    public static partial nint rd_kafka_new(int type, nint conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_err2str(int err);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_query_watermark_offsets(
        nint rk, string topic, int partition, out long low, out long high, int timeoutMs);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    /// <summary>Returns a string owned by the cluster: "host:port,host:port,…".</summary>
    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_delete_records(nint mcluster, string topic, int partition, long beforeOffset);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(nint mcluster, int delayMs);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";

    public static string ErrorText(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return System.Text.Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }

    // The package ships several Linux builds side by side. The plain librdkafka.so needs libsasl2.so.3, which
    // Debian 12 does not have; the centos8 build links only glibc-era libraries that Debian has, so try it first.
    private static nint ResolveLibRdKafka(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
            return 0;
        if (!OperatingSystem.IsLinux())
            return NativeLibrary.TryLoad(name, assembly, searchPath, out var other) ? other : 0;

        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var candidates = File.Exists("/etc/alpine-release")
            ? new[] { "alpine-librdkafka.so", "librdkafka.so" }
            : new[] { "centos8-librdkafka.so", "librdkafka.so" };
        foreach (var directory in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(assembly.Location) ?? "" }.Distinct())
        {
            foreach (var file in candidates)
            {
                var path = Path.Combine(directory, "runtimes", rid, "native", file);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                    return handle;
            }
        }
        return NativeLibrary.TryLoad("librdkafka.so.1", out var system) ? system : 0;
    }
}
