using Fatechat.Tests.Support;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Placeholder checks of <see cref="BinaryAttachments"/>: the shapes behind Node's socket.io-parser advisory
/// (a <c>_placeholder</c> whose <c>num</c> is not a valid attachment index) are refused, never dereferenced.
/// </summary>
public sealed class BinaryAttachmentsTests
{
    [TestCase("[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", 2)]
    [TestCase("[\"e\",{\"deep\":{\"list\":[1,{\"_placeholder\":true,\"num\":2}]}}]", 3)]
    [TestCase("[\"no placeholders\",1,null,{\"a\":[true]}]", 0)]
    [TestCase("[\"e\",{\"_placeholder\":false,\"num\":\"anything\"}]", 0)]
    [TestCase("[\"e\",{\"_placeholder\":\"true\",\"num\":99}]", 0)]
    [TestCase("[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]", 1)]
    public void AcceptsPlaceholdersThatNameAnAttachment(string json, int count)
    {
        Assert.That(BinaryAttachments.AreValid(Json(json), count), Is.True);
    }

    [TestCase("{\"_placeholder\":true,\"num\":\"0\"}", 1, TestName = "RejectsPlaceholderWithStringNum")]
    [TestCase("{\"_placeholder\":true,\"num\":\"toString\"}", 1, TestName = "RejectsPlaceholderWithPropertyNameNum")]
    [TestCase("{\"_placeholder\":true,\"num\":-1}", 1, TestName = "RejectsPlaceholderWithNegativeNum")]
    [TestCase("{\"_placeholder\":true,\"num\":1}", 1, TestName = "RejectsPlaceholderWithNumEqualToCount")]
    [TestCase("{\"_placeholder\":true,\"num\":2147483648}", 1, TestName = "RejectsPlaceholderWithNumBeyondInt")]
    [TestCase("{\"_placeholder\":true,\"num\":0.5}", 1, TestName = "RejectsPlaceholderWithFractionalNum")]
    [TestCase("{\"_placeholder\":true,\"num\":null}", 1, TestName = "RejectsPlaceholderWithNullNum")]
    [TestCase("{\"_placeholder\":true,\"num\":[0]}", 1, TestName = "RejectsPlaceholderWithArrayNum")]
    [TestCase("{\"_placeholder\":true,\"num\":{}}", 1, TestName = "RejectsPlaceholderWithObjectNum")]
    [TestCase("{\"_placeholder\":true}", 1, TestName = "RejectsPlaceholderWithoutNum")]
    [TestCase("{\"_placeholder\":true,\"num\":0}", 0, TestName = "RejectsPlaceholderWithoutAttachments")]
    public void RejectsPlaceholderWithBadNum(string placeholder, int count)
    {
        Assert.That(BinaryAttachments.AreValid(Json($"[\"e\",{placeholder}]"), count), Is.False);
        Assert.That(BinaryAttachments.AreValid(Json($"[\"e\",{{\"nested\":[{placeholder}]}}]"), count), Is.False);
        Assert.That(BinaryAttachments.TryGetIndex(Json(placeholder), count, out _), Is.False);
    }

    [Test]
    public void ResolvesPlaceholderToItsAttachmentWhenBinding()
    {
        byte[][] attachments = [[1, 2, 3], [4, 5, 6]];
        var args = Args("[{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0},\"AQI=\"]", attachments);

        Assert.That(args.Get<byte[]>(0), Is.EqualTo(attachments[1]));
        Assert.That(args.GetBytes(1), Is.EqualTo(attachments[0]));
        Assert.That(args.Get<byte[]>(2), Is.EqualTo(new byte[] { 1, 2 }), "a base64 string binds to bytes too");
    }

    [TestCase("{\"_placeholder\":true,\"num\":7}")]
    [TestCase("{\"_placeholder\":true,\"num\":\"0\"}")]
    [TestCase("{\"_placeholder\":true,\"num\":-1}")]
    [TestCase("{\"not\":\"a placeholder\"}")]
    public void BindingBadPlaceholderFailsAsJsonErrorNotCrash(string placeholder)
    {
        var args = Args($"[{placeholder}]", [[1]]);

        Assert.Throws<JsonException>(() => args.Get<byte[]>(0));
        Assert.That(args.GetBytes(0), Is.Null);
    }

    private static SocketIOArgs Args(string json, IReadOnlyList<byte[]> attachments) =>
        ReceivedArgs.Of(json, offset: 0, attachments, EncoderOptions.Json);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
