// Raw WebSocket broadcast server: the best a Kestrel process on this machine can do for the chat fan-out.
// Clients send `["joinRoom",{"roomName"}]` and `["sendMessage",{"roomName","message"}]` as text frames; every
// message is encoded once and the same bytes are queued to each socket in the room. No Engine.IO handshake,
// heartbeat or packet prefixes. Usage: dotnet Fatechat.Bench.Ceiling.dll --port 5203   (or PORT=5203)
using Fatechat.Bench.Ceiling;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var port = builder.Configuration.GetValue<int?>("port") ?? builder.Configuration.GetValue<int?>("PORT") ?? 5203;
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");

var app = builder.Build();
var rooms = new RoomRegistry();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
app.MapStubRest();
app.Map("/ws", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    var userMail = BenchToken.MailFrom(context.Request.Query["token"].ToString()) ?? "anonymous@ceiling.local";
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    await new CeilingConnection(socket, userMail, rooms).RunAsync(context.RequestAborted);
});
Console.WriteLine($"ceiling listening on http://127.0.0.1:{port}");
app.Run();
