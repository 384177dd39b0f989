using System.Text;
using System.Text.Json;
using CsCheck;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.EngineIO.Transports;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Protocol;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// Property tests over every decoder of the protocol, in process, on near-valid input (<see cref="FuzzInputs"/>):
/// no decoder throws anything but its documented failure, none hangs (<see cref="FuzzRunner.PerInputBound"/>), and
/// where an encoder exists, encoding then decoding gives back what was encoded. Each test runs for its share of
/// <see cref="FuzzBudget"/> and prints its seed.
/// </summary>
[Category("Fuzz")]
public sealed class DecoderFuzzTests
{
    private const double Share = 0.04;

    [Test]
    public Task EnginePacketDecodersRefuseBadPacketsWithoutThrowing() =>
        RunBytesAsync(nameof(EnginePacketDecodersRefuseBadPacketsWithoutThrowing), FuzzInputs.Mutated(FuzzInputs.EnginePacket), DecoderChecks.EnginePacket);

    [Test]
    public Task SocketIOPacketDecoderRefusesBadPacketsWithoutThrowing() =>
        RunBytesAsync(nameof(SocketIOPacketDecoderRefusesBadPacketsWithoutThrowing), FuzzInputs.Mutated(FuzzInputs.SocketIOPacket), DecoderChecks.SocketIOPacket);

    [Test]
    public Task PollingBodyDecodersRefuseBadBodiesWithoutThrowing() =>
        RunBytesAsync(nameof(PollingBodyDecodersRefuseBadBodiesWithoutThrowing), Gen.OneOf(PollingInputs.V4, PollingInputs.V3Text, PollingInputs.V3Binary), body =>
        {
            DecoderChecks.PollingV4(body);
            DecoderChecks.PollingV3(body);
        });

    [Test]
    public Task RequestHeadScanAgreesOnEveryPrefix() =>
        FuzzRunner.RunAsync(nameof(RequestHeadScanAgreesOnEveryPrefix), FuzzBudget.Seconds(Share),
            Gen.Select(RequestHeadInputs.Head, Gen.Double[0, 1]),
            input => DecoderChecks.RequestHead(input.Item1, (int)(input.Item2 * input.Item1.Length)),
            input => FuzzRunner.Hex(input.Item1));

    [Test]
    public Task SocketIOPacketsRoundTripThroughTheEncoder() =>
        FuzzRunner.RunAsync(nameof(SocketIOPacketsRoundTripThroughTheEncoder), FuzzBudget.Seconds(Share), RoundTripInputs.SocketIOEvent, input =>
        {
            var (nsp, ackId, name, args) = input;
            var frame = SocketIOPacketEncoder.EncodeEvent(nsp, name, args, ackId, EncoderOptions.Json);
            byte[] text = frame.Payload.Span[1..].ToArray();
            Assert.That(SocketIOPacketParser.TryParse(text, DecoderChecks.MaxAttachments, out var packet, out string error), Is.True, error);
            foreach (var attachment in frame.Attachments ?? [])
            {
                packet.Attachments.Add(attachment.ToArray());
            }

            Assert.That(packet.Namespace, Is.EqualTo(nsp));
            Assert.That(packet.AckId, Is.EqualTo(ackId));
            Assert.That(packet.EventName, Is.EqualTo(name));
            Assert.That(packet.AttachmentCount, Is.EqualTo(args.Count(a => a is byte[])));
            Assert.That(packet.IsBinary, Is.EqualTo(packet.AttachmentCount > 0));
            var parsed = packet.Arguments(1, EncoderOptions.Json);
            Assert.That(parsed.Count, Is.EqualTo(args.Length));
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] is byte[] bytes)
                {
                    Assert.That(parsed.Get<byte[]>(i), Is.EqualTo(bytes), $"argument {i}");
                }
                else
                {
                    Assert.That(JsonElement.DeepEquals(parsed[i], (JsonElement)args[i]!), $"argument {i}: {parsed[i]} is not {args[i]}");
                }
            }
        }, input => $"{input.Nsp} {input.AckId} {input.Name} [{string.Join(",", input.Args.Select(a => a is byte[] b ? Convert.ToHexString(b) : a?.ToString()))}]");

    [Test]
    public Task PollingBodiesRoundTripThroughTheWriters() =>
        FuzzRunner.RunAsync(nameof(PollingBodiesRoundTripThroughTheWriters), FuzzBudget.Seconds(Share),
            Gen.Select(RoundTripInputs.EnginePackets, Gen.Int[0, 2]), input =>
            {
                var (packets, revision) = input;
                PollingPayloadWriter writer = revision == 0 ? new PollingPayloadWriterV4() : new PollingPayloadWriterV3(supportsBinary: revision == 2);
                foreach (var (isBinary, data) in packets)
                {
                    writer.Add(data, isBinary);
                }

                var (body, contentType) = writer.Finish();
                var decoded = new List<EnginePacket>();
                bool parsed = revision == 0
                    ? EnginePacketParser.TryParsePayload(body, decoded)
                    : PollingPayloadParserV3.TryParse(body, contentType == "application/octet-stream", decoded);
                Assert.That(parsed, Is.True, Encoding.UTF8.GetString(body.Span));
                Assert.That(decoded.Select(p => (p.IsBinary, p.IsBinary ? p.Data.ToArray() : [(byte)p.Type, .. p.Data.Span])),
                    Is.EqualTo(packets.Select(p => (p.IsBinary, p.Data))));
            }, input => $"v{input.Item2}: {string.Join(" | ", input.Item1.Select(p => (p.IsBinary ? "b:" : "") + Convert.ToHexString(p.Data)))}");

    [Test]
    public Task WebSocketReaderReassemblesMessagesAcrossAnySplit() =>
        FuzzRunner.RunAsync(nameof(WebSocketReaderReassemblesMessagesAcrossAnySplit), FuzzBudget.Seconds(Share),
            Gen.Select(WebSocketInputs.WellFormed, WebSocketInputs.Cuts, Gen.Int[1, 64]), input =>
            {
                var ((messages, bytes), cuts, segment) = input;
                var outcome = WebSocketReaderChecks.Read(WebSocketInputs.Split(bytes, cuts), 1_000_000, segment);
                Assert.That(outcome.End, Is.EqualTo(WebSocketEnd.ClosedByClient));
                Assert.That(outcome.Messages, Is.EqualTo(messages));
            }, input => $"segment {input.Item3}, cuts [{string.Join(",", input.Item2)}]: {FuzzRunner.Hex(input.Item1.Bytes)}");

    [Test]
    public Task WebSocketReaderGivesTheSameOutcomeWhateverTheSplit() =>
        FuzzRunner.RunAsync(nameof(WebSocketReaderGivesTheSameOutcomeWhateverTheSplit), FuzzBudget.Seconds(Share),
            Gen.Select(WebSocketInputs.Hostile, WebSocketInputs.Cuts, Gen.Int[1, 64], Gen.Int[16, 100_000]), input =>
            {
                var (bytes, cuts, segment, maxPayload) = input;
                var whole = WebSocketReaderChecks.Read([bytes], maxPayload, 4096);
                var split = WebSocketReaderChecks.Read(WebSocketInputs.Split(bytes, cuts), maxPayload, segment);
                Assert.That(split.End, Is.EqualTo(whole.End), () => $"split: {split}; whole: {whole}");
                Assert.That(split.Messages, Is.EqualTo(whole.Messages));
            }, input => $"maxPayload {input.Item4}, segment {input.Item3}, cuts [{string.Join(",", input.Item2)}]: {FuzzRunner.Hex(input.Item1)}");

    private static Task RunBytesAsync(string test, Gen<byte[]> gen, Action<byte[]> check) =>
        FuzzRunner.RunAsync(test, FuzzBudget.Seconds(Share), gen, check, FuzzRunner.Hex);
}
