namespace Fatechat.Server.Chat;

/// <summary>Wire names of the socket events and fixed texts, spelled as the Node server and its frontend do.</summary>
public static class ChatEventNames
{
    public const string JoinRoom = "joinRoom";
    public const string SendMessage = "sendMessage";
    public const string GetRecentMessages = "getRecentMessages";
    public const string GetOnlineUsers = "getOnlineUsers";
    public const string SendPrivateMessage = "sendPrivateMessage";

    /// <summary>Client → server, and relayed to the rest of the room: someone is typing, or stopped.</summary>
    public const string Typing = "typing";
    public const string StopTyping = "stopTyping";

    public const string ReceiveMessage = "receiveMessage";
    public const string OnlineUsers = "onlineUsers";
    public const string RecentMessages = "recentMessages";
    public const string ReceivePrivateMessage = "receivePrivateMessage";
    public const string Error = "error";

    public const string TokenUnauthorized = "Token Unauthorized";

    public static string Welcome(string userMail, string roomName) => $"Welcome {userMail} to room no {roomName}";

    public static string Joined(string userMail) => $"{userMail} joined the room";

    public static string Left(string userMail) => $"{userMail} left the room";
}
