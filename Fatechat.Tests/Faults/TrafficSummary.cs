using System.Text.Json;

namespace Fatechat.Tests.Faults;

/// <summary>One acked <c>sendMessage</c> attempt: when it left, when (and whether) its ack came, with which id.</summary>
internal sealed record TrafficSend(string Client, string Text, long SentAt, long? AckAt, bool Ok, string? Id, string? Error);

/// <summary>A disconnect as socket.io-client reported it, with the WebSocket close code and reason when the server closed it.</summary>
internal sealed record TrafficDisconnect(long At, string Reason, int? Code, string? CloseReason)
{
    public override string ToString() => Code is null ? Reason : $"{Reason} ({Code} {CloseReason})";
}

/// <summary>What one client of <c>traffic.mjs</c> recorded; times are ms since the epoch.</summary>
internal sealed record TrafficClientLog(
    string Name,
    string Mail,
    IReadOnlyList<TrafficSend> Sends,
    IReadOnlyList<(string Id, long At)> Received,
    IReadOnlyList<(long At, bool Recovered)> Joins,
    IReadOnlyList<TrafficDisconnect> Disconnects,
    int JoinErrors,
    int ConnectErrors)
{
    /// <summary>
    /// The spans in which this client was in the room: from each join ack (or recovered reconnect) to the next
    /// disconnect, the last one open.
    /// </summary>
    public IEnumerable<(long From, long To)> InRoom() => Joins.Select(j =>
        (j.At, Disconnects.Where(d => d.At >= j.At).Select(d => d.At).DefaultIfEmpty(long.MaxValue).Min()));
}

/// <summary>The script's summary line, parsed.</summary>
internal sealed record TrafficSummary(string RunId, IReadOnlyList<TrafficClientLog> Clients, JsonElement Switched)
{
    public IEnumerable<TrafficSend> Sends => Clients.SelectMany(c => c.Sends);

    public static TrafficSummary Parse(JsonElement summary, string runId)
    {
        var clients = summary.GetProperty("clients").EnumerateArray().Select(c =>
        {
            var name = c.GetProperty("name").GetString()!;
            return new TrafficClientLog(
                name,
                c.GetProperty("mail").GetString()!,
                [.. c.GetProperty("sends").EnumerateArray().Select(s => new TrafficSend(
                    name,
                    s.GetProperty("text").GetString()!,
                    s.GetProperty("sentAt").GetInt64(),
                    s.GetProperty("ackAt").ValueKind == JsonValueKind.Number ? s.GetProperty("ackAt").GetInt64() : null,
                    s.GetProperty("ok").GetBoolean(),
                    s.GetProperty("id").GetString(),
                    s.GetProperty("error").GetString()))],
                [.. c.GetProperty("received").EnumerateArray().Select(r => (r[0].GetString()!, r[1].GetInt64()))],
                [.. c.GetProperty("joins").EnumerateArray().Select(j => (j.GetProperty("at").GetInt64(), j.GetProperty("recovered").GetBoolean()))],
                [.. c.GetProperty("disconnects").EnumerateArray().Select(d => new TrafficDisconnect(
                    d.GetProperty("at").GetInt64(),
                    d.GetProperty("reason").GetString()!,
                    d.GetProperty("code").ValueKind == JsonValueKind.Number ? d.GetProperty("code").GetInt32() : null,
                    d.GetProperty("closeReason").GetString()))],
                c.GetProperty("joinErrors").GetArrayLength(),
                c.GetProperty("connectErrors").GetInt32());
        }).ToList();
        return new TrafficSummary(runId, clients, summary.GetProperty("switched").Clone());
    }
}
