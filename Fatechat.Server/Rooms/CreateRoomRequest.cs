using Fatechat.Server.Options;

namespace Fatechat.Server.Rooms;

public sealed record CreateRoomRequest(string? Name)
{
    public string TrimmedName => (Name ?? "").Trim();

    public string? Validate(ChatOptions options)
    {
        var name = TrimmedName;
        if (name.Length == 0)
        {
            return "Room name is required";
        }

        // Control characters are kept out so that internal socket rooms (see PrivateMessageEvents.UserRoom) cannot be named.
        if (name.Any(char.IsControl))
        {
            return "Room name must not contain control characters";
        }

        return name.Length > options.RoomNameMaxLength
            ? $"Room name must be at most {options.RoomNameMaxLength} characters"
            : null;
    }
}
