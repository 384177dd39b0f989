using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Api;

/// <summary>
/// Every forged or foreign token shape (<see cref="ForgedTokens"/>) is refused by the REST API with the Node
/// server's 401, while the user's real token keeps working. The socket handshake gets the same shapes in
/// Realtime/SocketAccessTests.
/// </summary>
[TestFixture]
public sealed class TokenShapesTests
{
    private FatechatTestServer _server = null!;
    private string _email = "";
    private string _token = "";

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await FatechatTestServer.StartAsync();
        (_email, _token) = await _server.RegisterAsync("shapes");
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task EveryForgedShapeIs401InvalidTokenWhileTheRealTokenWorks()
    {
        foreach (var (name, (token, _)) in ForgedTokens.For(TestTokens.UserIdOf(_token), _email))
        {
            using var refused = await _server.Client.SendAsync(_server.Request(HttpMethod.Get, "/api/chat", token));
            Assert.That(await HttpAssert.IsErrorAsync(refused, HttpStatusCode.Unauthorized), Is.EqualTo("Unauthorized: Invalid token"), name);
        }

        using var served = await _server.Client.SendAsync(_server.Request(HttpMethod.Get, "/api/chat", _token));
        await HttpAssert.IsOkJsonAsync(served);
    }

    /// <summary>Signed with the right key and within its lifetime, but its account is not in this database (another deployment's, a reset database's).</summary>
    [Test]
    public async Task ValidlySignedTokenOfAUserNotInTheDatabaseIs401()
    {
        var ghost = TestTokens.Create(new { userId = 987_654_321, userMail = "ghost@example.test", iss = "fatechat", iat = TestTokens.Now, exp = TestTokens.Now + 3600 });
        using var response = await _server.Client.SendAsync(_server.Request(HttpMethod.Get, "/api/private", ghost));
        Assert.That(await HttpAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized), Is.EqualTo("Unauthorized: Invalid token"));

        // The same claims shape for the real user is accepted: the refusal is about the account, not the shape.
        var real = TestTokens.Create(new { userId = TestTokens.UserIdOf(_token), userMail = _email.ToUpperInvariant(), iss = "fatechat", iat = TestTokens.Now, exp = TestTokens.Now + 3600 });
        using var accepted = await _server.Client.SendAsync(_server.Request(HttpMethod.Get, "/api/private", real));
        await HttpAssert.IsOkJsonAsync(accepted);
    }
}
