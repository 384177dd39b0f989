using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Fatechat.Bench.Ceiling;

/// One WebSocket: a read loop that handles joinRoom/sendMessage, and one writer draining a bounded queue.
internal sealed class CeilingConnection(WebSocket socket, CoalescingWriteStream stream, string userMail, RoomRegistry rooms)
{
    private const int MaxMessageBytes = 64 * 1024;
    private const int MaxMessageLength = 4000;
    private const int OutboundCapacity = 8192;
    private static long s_nextMessageId;

    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(OutboundCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly HashSet<Room> _joined = [];
    private readonly CancellationTokenSource _closed = new();

    public string UserMail { get; } = userMail;

    /// Queues a frame; a consumer too slow to keep its queue below capacity is dropped, never waited for.
    public void Enqueue(byte[] frame)
    {
        if (!_outbound.Writer.TryWrite(frame)) _closed.Cancel();
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closed.Token);
        var writer = WriteLoopAsync(linked.Token);
        try
        {
            await ReadLoopAsync(linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            foreach (var room in _joined)
            {
                var users = room.Leave(this);
                room.Broadcast(WireFrames.OnlineUsers(room.Name, users));
                room.Broadcast(WireFrames.ChatMessage(room.Name, $"{UserMail} left the room", UserMail, true,
                    Interlocked.Increment(ref s_nextMessageId)));
            }
            _outbound.Writer.TryComplete();
            _closed.Cancel();
            try
            {
                await writer;
                // Answer the client's close frame once the writer is done, so the two never write at once.
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    await stream.FlushOutAsync(CancellationToken.None);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
        }
    }

    private async Task ReadLoopAsync(CancellationToken ct)
    {
        while (socket.State == WebSocketState.Open)
        {
            // Zero-byte read: an idle socket holds no buffer.
            await socket.ReceiveAsync(Memory<byte>.Empty, ct);
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                var length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes) return;
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    length += result.Count;
                    if (result.EndOfMessage) break;
                }
                Handle(buffer.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void Handle(ReadOnlySpan<byte> frame)
    {
        if (!WireFrames.TryParse(frame, out var inbound) || inbound.RoomName is null) return;
        switch (inbound.Event)
        {
            case "joinRoom":
                var room = rooms.Get(inbound.RoomName);
                Enqueue(WireFrames.Welcome(UserMail, room.Name));
                if (!_joined.Add(room)) return;
                var users = room.Join(this);
                room.Broadcast(WireFrames.OnlineUsers(room.Name, users));
                room.Broadcast(WireFrames.ChatMessage(room.Name, $"{UserMail} joined the room", UserMail, true,
                    Interlocked.Increment(ref s_nextMessageId)));
                return;
            case "sendMessage":
                if (!rooms.TryGet(inbound.RoomName, out var target) || !_joined.Contains(target)) return;
                if (string.IsNullOrEmpty(inbound.Message) || inbound.Message.Length > MaxMessageLength) return;
                target.Broadcast(WireFrames.ChatMessage(target.Name, inbound.Message, UserMail, false,
                    Interlocked.Increment(ref s_nextMessageId)));
                return;
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        var reader = _outbound.Reader;
        while (await reader.WaitToReadAsync(ct))
        {
            // SendAsync only appends to the coalescing stream; FlushOutAsync is the one real write per batch.
            while (reader.TryRead(out var frame))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, ct);
                if (stream.PendingBytes > 64 * 1024) await stream.FlushOutAsync(ct);
            }
            await stream.FlushOutAsync(ct);
        }
    }
}
