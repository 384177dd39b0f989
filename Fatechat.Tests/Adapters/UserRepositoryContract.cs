using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IUserRepository"/> must do; one subclass per backend.</summary>
public abstract class UserRepositoryContract
{
    protected IUserRepository Users { get; private set; } = null!;

    protected abstract Task<IUserRepository> CreateRepositoryAsync();

    [SetUp]
    public async Task CreateRepository() => Users = await CreateRepositoryAsync();

    [Test]
    public async Task CreatedUserIsFoundByEmailWithItsHashAndTime()
    {
        var email = AdapterTestData.Email();
        var createdAt = AdapterTestData.NowMs();
        var created = await Users.TryCreateAsync(email, "$2a$04$hash", createdAt, CancellationToken.None);

        var found = await Users.FindByEmailAsync(email, CancellationToken.None);

        Assert.That(created, Is.Not.Null);
        Assert.That(created!.Id, Is.GreaterThan(0));
        Assert.That(found, Is.EqualTo(created));
        Assert.That(found!.CreatedAt, Is.EqualTo(createdAt));
        Assert.That(found.CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task UserExistsOnlyWithItsOwnIdAndEmailInAnyCase()
    {
        var email = AdapterTestData.Email();
        var created = await Users.TryCreateAsync(email, "h", AdapterTestData.NowMs(), CancellationToken.None);
        var other = await Users.TryCreateAsync(AdapterTestData.Email(), "h", AdapterTestData.NowMs(), CancellationToken.None);

        Assert.That(await Users.ExistsAsync(created!.Id, email, CancellationToken.None), Is.True);
        Assert.That(await Users.ExistsAsync(created.Id, email.ToUpperInvariant(), CancellationToken.None), Is.True, "e-mails ignore case");
        Assert.That(await Users.ExistsAsync(other!.Id, email, CancellationToken.None), Is.False, "another user's id");
        Assert.That(await Users.ExistsAsync(created.Id, "someone-else@example.test", CancellationToken.None), Is.False, "another e-mail");
        Assert.That(await Users.ExistsAsync(long.MaxValue, email, CancellationToken.None), Is.False, "no such id");
    }

    [Test]
    public async Task SecondUserGetsAnotherId()
    {
        var first = await Users.TryCreateAsync(AdapterTestData.Email(), "h", AdapterTestData.NowMs(), CancellationToken.None);
        var second = await Users.TryCreateAsync(AdapterTestData.Email(), "h", AdapterTestData.NowMs(), CancellationToken.None);
        Assert.That(second!.Id, Is.Not.EqualTo(first!.Id));
    }

    [Test]
    public async Task DuplicateEmailInAnyCaseIsRefusedWithNull()
    {
        var email = AdapterTestData.Email();
        await Users.TryCreateAsync(email, "h1", AdapterTestData.NowMs(), CancellationToken.None);

        var again = await Users.TryCreateAsync(email.ToUpperInvariant(), "h2", AdapterTestData.NowMs(), CancellationToken.None);

        Assert.That(again, Is.Null);
        Assert.That((await Users.FindByEmailAsync(email, CancellationToken.None))!.PasswordHash, Is.EqualTo("h1"));
    }

    [Test]
    public async Task UnknownEmailIsNull()
    {
        Assert.That(await Users.FindByEmailAsync(AdapterTestData.Email(), CancellationToken.None), Is.Null);
    }
}
