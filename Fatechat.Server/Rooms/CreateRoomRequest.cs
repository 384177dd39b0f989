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

        return name.Length > options.RoomNameMaxLength
            ? $"Room name must be at most {options.RoomNameMaxLength} characters"
            : null;
    }
}
