using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// The arguments of a received event or acknowledgement, as JSON, with any binary attachments. Pass an instance
/// back to <c>Emit</c> to forward the arguments unchanged, binary included.
/// </summary>
public sealed class SocketIOArgs
{
    private readonly JsonElement _array;
    private readonly int _offset;
    private readonly JsonSerializerOptions _options;

    internal SocketIOArgs(JsonElement array, int offset, IReadOnlyList<byte[]> attachments, JsonSerializerOptions options)
    {
        _array = array;
        _offset = offset;
        _options = options;
        Attachments = attachments;
        Count = array.ValueKind == JsonValueKind.Array ? Math.Max(0, array.GetArrayLength() - offset) : 0;
    }

    public int Count { get; }

    public JsonElement this[int index] => (uint)index < (uint)Count
        ? _array[index + _offset]
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Binary attachments, referred to by <c>_placeholder</c> objects in the JSON.</summary>
    public IReadOnlyList<byte[]> Attachments { get; }

    /// <summary>Binds argument <paramref name="index"/> to <typeparamref name="T"/>; a missing argument gives default.</summary>
    /// <exception cref="JsonException">The argument does not have the shape of <typeparamref name="T"/>.</exception>
    public T? Get<T>(int index = 0)
    {
        if (index >= Count)
        {
            return default;
        }

        BinaryAttachments.BeginResolving(Attachments);
        try
        {
            return this[index].Deserialize<T>(_options);
        }
        finally
        {
            BinaryAttachments.EndResolving();
        }
    }

    /// <summary>The bytes of argument <paramref name="index"/> when it is a binary attachment; otherwise null.</summary>
    public byte[]? GetBytes(int index = 0)
    {
        if (index >= Count)
        {
            return null;
        }

        JsonElement element = this[index];
        return BinaryAttachments.IsPlaceholder(element) && BinaryAttachments.TryGetIndex(element, Attachments.Count, out int i)
            ? Attachments[i]
            : null;
    }

    public override string ToString() => _array.ToString();
}
