using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>Binds an event's first argument to a type; a payload that does not fit is the client's error, not ours.</summary>
internal static class EventPayload
{
    public static T? Bind<T>(SocketIOArgs args, string eventName)
    {
        try
        {
            return args.Get<T>(0);
        }
        catch (JsonException)
        {
            throw new InvalidEventPayloadException(eventName);
        }
    }
}

/// <summary>An event's payload did not bind to the handler's type: answered with an "invalid payload" ack.</summary>
internal sealed class InvalidEventPayloadException(string eventName) : Exception($"Invalid payload for {eventName}")
{
    public string EventName { get; } = eventName;
}
