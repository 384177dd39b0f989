using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Caching;
using Microsoft.Extensions.Options;
using Fatechat.Server.Options;

namespace Fatechat.Server.Chat.Recovery;

/// <summary>
/// Keeps the session records of this node's connected sockets alive: every third of the window, one batch of
/// touches. A node that dies stops touching, so its sockets' records end at most a window and a third after it.
/// </summary>
internal sealed class SessionRecordToucher(SocketIOServer io, ISessionRecordStore records, IOptions<SocketIOSettings> settings) : BackgroundService
{
    private readonly TimeSpan _window = TimeSpan.FromMilliseconds(settings.Value.MaxDisconnectionDurationMs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_window / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var pids = io.Sockets.Sockets.Where(s => s.Connected && s.Pid is not null).Select(s => s.Pid!).ToArray();
            await records.TouchAsync(pids, _window, stoppingToken);
        }
    }
}
