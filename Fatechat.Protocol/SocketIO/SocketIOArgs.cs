using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// The arguments of a received event or acknowledgement: the packet's JSON bytes and where each argument lies in
/// them, with any binary attachments. Arguments are bound straight from those bytes, with no DOM in between. Pass
/// an instance back to <c>Emit</c> to forward the arguments unchanged, binary included.
/// </summary>
public sealed class SocketIOArgs
{
    private readonly ReadOnlyMemory<byte> _json;
    private readonly Range[] _elements;
    private readonly int _offset;
    private readonly JsonSerializerOptions _options;

    internal SocketIOArgs(ReadOnlyMemory<byte> json, Range[] elements, int offset, IReadOnlyList<byte[]> attachments, JsonSerializerOptions options)
    {
        _json = json;
        _elements = elements;
        _offset = offset;
        _options = options;
        Attachments = attachments;
        Count = Math.Max(0, elements.Length - offset);
    }

    public int Count { get; }

    /// <summary>Argument <paramref name="index"/> as a DOM (parsed on each access; <see cref="Get{T}"/> binds without one).</summary>
    public JsonElement this[int index] => JsonSerializer.Deserialize<JsonElement>(Raw(index));

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
            return JsonSerializer.Deserialize<T>(Raw(index), _options);
        }
        finally
        {
            BinaryAttachments.EndResolving();
        }
    }

    /// <summary>The bytes of argument <paramref name="index"/> when it is a binary attachment; otherwise null.</summary>
    public byte[]? GetBytes(int index = 0)
    {
        if (index >= Count || Attachments.Count == 0)
        {
            return null;
        }

        JsonElement element = this[index];
        return BinaryAttachments.IsPlaceholder(element) && BinaryAttachments.TryGetIndex(element, Attachments.Count, out int i)
            ? Attachments[i]
            : null;
    }

    /// <summary>The JSON text of argument <paramref name="index"/>, as received (already validated).</summary>
    internal ReadOnlySpan<byte> Raw(int index) => (uint)index < (uint)Count
        ? _json.Span[_elements[index + _offset]]
        : throw new ArgumentOutOfRangeException(nameof(index));

    public override string ToString() => "[" + string.Join(",", Enumerable.Range(0, Count).Select(i => System.Text.Encoding.UTF8.GetString(Raw(i)))) + "]";
}
