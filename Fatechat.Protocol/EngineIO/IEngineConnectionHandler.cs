namespace Fatechat.Protocol.EngineIO;

/// <summary>The layer above Engine.IO (Socket.IO, or an app using Engine.IO alone) sees a connection through this.</summary>
public interface IEngineConnectionHandler
{
    /// <summary>A message packet arrived. <paramref name="data"/> is only valid during the call.</summary>
    void OnMessage(EngineConnection connection, ReadOnlyMemory<byte> data, bool isBinary);

    /// <summary>The connection closed, once, for <paramref name="reason"/> (see <see cref="CloseReasons"/>).</summary>
    void OnClose(EngineConnection connection, string reason);
}
