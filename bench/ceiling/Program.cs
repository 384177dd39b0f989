// Raw WebSocket broadcast server: the best a Kestrel process on this machine can do for the chat fan-out.
// Clients send `["joinRoom",{"roomName"}]` and `["sendMessage",{"roomName","message"}]` as text frames; every
// message is encoded once and the same bytes are queued to each socket in the room; each socket's writer sends
// everything queued in one write. No Engine.IO handshake, heartbeat or packet prefixes. Usage: dotnet Fatechat.Bench.Ceiling.dll --port 5203   (or PORT=5203)
using Fatechat.Bench.Ceiling;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var port = builder.Configuration.GetValue<int?>("port") ?? builder.Configuration.GetValue<int?>("PORT") ?? 5203;
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");

var app = builder.Build();
var rooms = new RoomRegistry();
app.MapStubRest();
app.Map("/ws", async context =>
{
    var userMail = BenchToken.MailFrom(context.Request.Query["token"].ToString()) ?? "anonymous@ceiling.local";
    if (await WebSocketUpgrade.AcceptAsync(context) is not var (socket, stream))
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    using (socket)
    using (stream)
        await new CeilingConnection(socket, stream, userMail, rooms).RunAsync(context.RequestAborted);
});
Console.WriteLine($"ceiling listening on http://127.0.0.1:{port}");
app.Run();
