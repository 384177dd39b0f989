using Fatechat.Server.Chat;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;
using System.Collections.Concurrent;

namespace Fatechat.Server.Caching;

/// <summary>One id-ordered list per room, trimmed to the cap; enough for a single node.</summary>
public sealed class InMemoryRecentMessageCache(IOptions<ChatOptions> options) : IRecentMessageCache
{
    private readonly ConcurrentDictionary<string, RoomList> _rooms = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.RecentMessagesCap;

    public ValueTask AddAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        _rooms.GetOrAdd(message.RoomName, _ => new RoomList()).Add(message, _capacity);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ChatMessage>> GetLatestAsync(string roomName, int count, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChatMessage> latest = _rooms.TryGetValue(roomName, out var list) ? list.Latest(count) : [];
        return ValueTask.FromResult(latest);
    }

    public ValueTask WarmAsync(string roomName, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var list = _rooms.GetOrAdd(roomName, _ => new RoomList());
        foreach (var message in messages)
        {
            list.Add(message, _capacity);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Oldest first. Messages nearly always arrive in id order, so insertion is an append.</summary>
    private sealed class RoomList
    {
        private readonly List<ChatMessage> _items = [];

        public void Add(ChatMessage message, int capacity)
        {
            lock (_items)
            {
                var index = _items.Count;
                while (index > 0 && string.CompareOrdinal(_items[index - 1].Id, message.Id) >= 0)
                {
                    if (_items[index - 1].Id == message.Id)
                    {
                        return;
                    }

                    index--;
                }

                if (index == 0 && _items.Count >= capacity)
                {
                    return;
                }

                _items.Insert(index, message);
                if (_items.Count > capacity)
                {
                    _items.RemoveRange(0, _items.Count - capacity);
                }
            }
        }

        public IReadOnlyList<ChatMessage> Latest(int count)
        {
            lock (_items)
            {
                var take = Math.Min(count, _items.Count);
                var result = new ChatMessage[take];
                for (var i = 0; i < take; i++)
                {
                    result[i] = _items[_items.Count - 1 - i];
                }

                return result;
            }
        }
    }
}
