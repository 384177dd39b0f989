using System.Runtime.InteropServices;
using Fatechat.KafkaMock;

// Runs a librdkafka mock cluster as its own process so that several server processes can share it.
// The first line of stdout is the bootstrap list; everything else goes to stderr.
if (!MockArguments.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(MockArguments.Usage);
    return 2;
}

using var stopped = new ManualResetEventSlim();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

using var cluster = KafkaMockCluster.Start(options.Brokers, options.Topics, options.Partitions, options.RetainPerPartition);
Console.Out.WriteLine(cluster.BootstrapServers);
Console.Out.Flush();
Console.Error.WriteLine(
    $"kafka mock: {options.Brokers} brokers, topics [{string.Join(",", options.Topics)}] x {options.Partitions} partitions, " +
    $"keeping the last {options.RetainPerPartition} records per partition; stop with SIGTERM or SIGINT");

if (options.ExitOnStdinEof)
    new Thread(() => { while (Console.In.Read() >= 0) { } stopped.Set(); }) { IsBackground = true }.Start();

stopped.Wait();
return 0;

void Stop(PosixSignalContext context)
{
    // Cancel the default termination so that `using` disposes the cluster and its sockets close cleanly.
    context.Cancel = true;
    stopped.Set();
}
