namespace Fatechat.Server.Storage;

/// <summary>
/// Whether the database holds the Node app's tables (<c>Users</c>, <c>ChatRooms</c>, <c>Messages</c>), as found by
/// <see cref="NodeAppImporter"/> at start-up, before the server takes requests. The token check reads it: a
/// deployment that took over a Node app's data also accepts the tokens that app issued.
/// </summary>
public sealed class NodeAppTables
{
    private volatile bool _found;

    public bool Found => _found;

    internal void MarkFound() => _found = true;
}
