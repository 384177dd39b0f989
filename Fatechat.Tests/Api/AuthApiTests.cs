using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Api;

[TestFixture]
public sealed class AuthApiTests
{
    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FatechatTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static string NewEmail() => $"auth-{Guid.NewGuid():N}@example.test";

    [Test]
    public async Task RegisterReturnsHs256TokenCarryingUserIdAndMail()
    {
        var email = NewEmail();
        using var response = await _server.Client.PostAsJsonAsync("/api/register", new { email, password = "long enough" });
        var body = await HttpAssert.IsOkJsonAsync(response);

        Assert.That(HttpAssert.PropertyNames(body), Is.EqualTo(new[] { "token" }));
        var parts = body.GetProperty("token").GetString()!.Split('.');
        Assert.That(parts, Has.Length.EqualTo(3));
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url(parts[1]));
        Assert.That(header.RootElement.GetProperty("alg").GetString(), Is.EqualTo("HS256"));
        Assert.That(payload.RootElement.GetProperty("userId").ValueKind, Is.EqualTo(JsonValueKind.Number));
        Assert.That(payload.RootElement.GetProperty("userMail").GetString(), Is.EqualTo(email));
        var lifetime = payload.RootElement.GetProperty("exp").GetInt64() - payload.RootElement.GetProperty("iat").GetInt64();
        Assert.That(lifetime, Is.EqualTo(6 * 3600), "default expiry is 6 h");
    }

    [TestCase("not-an-email")]
    [TestCase("")]
    [TestCase("two@@example.test")]
    [TestCase("spaces in@example.test")]
    public async Task RegisterRefusesMalformedEmailWith400(string email)
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/register", new { email, password = "long enough" });
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task RegisterRefusesWeakPasswordWith400()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/register", new { email = NewEmail(), password = "short" });
        var error = await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.That(error, Does.Contain("Password"));
    }

    [Test]
    public async Task RegisterRefusesPasswordLongerThanBcryptReadsWith400()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/register", new { email = NewEmail(), password = new string('p', 73) });
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task RegisterRefusesMissingFieldsWith400()
    {
        using var noPassword = await _server.Client.PostAsJsonAsync("/api/register", new { email = NewEmail() });
        await HttpAssert.IsErrorAsync(noPassword, HttpStatusCode.BadRequest);
        using var empty = await _server.Client.PostAsJsonAsync("/api/register", new { });
        await HttpAssert.IsErrorAsync(empty, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task RegisterRefusesAlreadyRegisteredEmailWith409InAnyCase()
    {
        var email = NewEmail();
        using var first = await _server.Client.PostAsJsonAsync("/api/register", new { email, password = "long enough" });
        await HttpAssert.IsOkJsonAsync(first);

        using var again = await _server.Client.PostAsJsonAsync("/api/register", new { email = email.ToUpperInvariant(), password = "other password" });
        await HttpAssert.IsErrorAsync(again, HttpStatusCode.Conflict);
    }

    [TestCase("{\"email\":")]
    [TestCase("{'email':'a@b.io'}")]
    [TestCase("[1,2")]
    public async Task MalformedJsonIs400WithJsonError(string body)
    {
        foreach (var path in new[] { "/api/register", "/api/login" })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _server.Client.PostAsync(path, content);
            await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
        }
    }

    [Test]
    public async Task WrongJsonTypeIs400()
    {
        using var content = new StringContent("{\"email\":42,\"password\":true}", Encoding.UTF8, "application/json");
        using var response = await _server.Client.PostAsync("/api/register", content);
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task EmptyOrNullBodyIs400()
    {
        using var empty = new StringContent("", Encoding.UTF8, "application/json");
        using var emptyResponse = await _server.Client.PostAsync("/api/register", empty);
        await HttpAssert.IsErrorAsync(emptyResponse, HttpStatusCode.BadRequest);

        using var literalNull = new StringContent("null", Encoding.UTF8, "application/json");
        using var nullResponse = await _server.Client.PostAsync("/api/login", literalNull);
        await HttpAssert.IsErrorAsync(nullResponse, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task FormEncodedBodyIs415WithJsonError()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = NewEmail(), ["password"] = "long enough" });
        using var response = await _server.Client.PostAsync("/api/register", form);
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task LoginWithRightPasswordReturnsTokenForSameUser()
    {
        var email = NewEmail();
        using var registered = await _server.Client.PostAsJsonAsync("/api/register", new { email, password = "long enough" });
        var registeredId = UserId(await HttpAssert.IsOkJsonAsync(registered));

        using var login = await _server.Client.PostAsJsonAsync("/api/login", new { email = "  " + email.ToUpperInvariant(), password = "long enough" });
        var body = await HttpAssert.IsOkJsonAsync(login);
        Assert.That(UserId(body), Is.EqualTo(registeredId));
    }

    [Test]
    public async Task LoginWithWrongPasswordIs401InvalidCredentials()
    {
        var email = NewEmail();
        using var registered = await _server.Client.PostAsJsonAsync("/api/register", new { email, password = "long enough" });
        registered.EnsureSuccessStatusCode();

        using var response = await _server.Client.PostAsJsonAsync("/api/login", new { email, password = "wrong password" });
        Assert.That(await HttpAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized), Is.EqualTo("Invalid credentials"));
    }

    [Test]
    public async Task LoginWithUnknownEmailIs401InvalidCredentials()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/login", new { email = NewEmail(), password = "long enough" });
        Assert.That(await HttpAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized), Is.EqualTo("Invalid credentials"));
    }

    [Test]
    public async Task LoginWithMissingFieldsIs400()
    {
        using var noPassword = await _server.Client.PostAsJsonAsync("/api/login", new { email = NewEmail() });
        await HttpAssert.IsErrorAsync(noPassword, HttpStatusCode.BadRequest);
        using var empty = await _server.Client.PostAsJsonAsync("/api/login", new { });
        await HttpAssert.IsErrorAsync(empty, HttpStatusCode.BadRequest);
    }

    private static long UserId(JsonElement tokenBody)
    {
        var payload = tokenBody.GetProperty("token").GetString()!.Split('.')[1];
        using var json = JsonDocument.Parse(Base64Url(payload));
        return json.RootElement.GetProperty("userId").GetInt64();
    }

    private static byte[] Base64Url(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
