namespace Fatechat.KafkaMock;

/// <summary>Command line of the tool: <c>--brokers 3 --topics a,b [--partitions 3] [--retain 10000] [--exit-on-stdin-eof]</c>.</summary>
internal sealed record MockArguments(int Brokers, string[] Topics, int Partitions, int RetainPerPartition, bool ExitOnStdinEof)
{
    public const string Usage =
        "usage: Fatechat.KafkaMock [--brokers N] [--topics t1,t2] [--partitions N] [--retain N] [--exit-on-stdin-eof]\n" +
        "  prints the bootstrap servers as the first line of stdout, then runs until SIGTERM or SIGINT\n" +
        "  --retain N            keep the last N records per partition, trimmed every second (0 = keep all)\n" +
        "  --exit-on-stdin-eof   also stop when stdin closes (for a parent process that may die without signalling)";

    public static bool TryParse(string[] args, out MockArguments result, out string error)
    {
        result = new MockArguments(3, [], 3, 10_000, false);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--exit-on-stdin-eof":
                    result = result with { ExitOnStdinEof = true };
                    continue;
                case "--brokers" or "--topics" or "--partitions" or "--retain" when i + 1 < args.Length:
                    var value = args[++i];
                    if (args[i - 1] == "--topics")
                    {
                        result = result with { Topics = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                        continue;
                    }
                    if (!int.TryParse(value, out var number) || number < 0)
                    {
                        error = $"{args[i - 1]} needs a non-negative number, got '{value}'";
                        return false;
                    }
                    result = args[i - 1] switch
                    {
                        "--brokers" => result with { Brokers = number },
                        "--partitions" => result with { Partitions = number },
                        _ => result with { RetainPerPartition = number },
                    };
                    continue;
                default:
                    error = $"unknown or incomplete argument '{args[i]}'";
                    return false;
            }
        }
        if (result.Brokers < 1 || result.Partitions < 1)
        {
            error = "--brokers and --partitions must be at least 1";
            return false;
        }
        return true;
    }
}
