using Fatechat.Server.Messaging;
using Microsoft.Extensions.Time.Testing;

namespace Fatechat.Tests.Adapters;

/// <summary>Message ids are the storage key (insert-once) and the history cursor, so their order matters.</summary>
[TestFixture]
public sealed class MessageIdGeneratorTests
{
    [Test]
    public void IdsAreValidUlidsThatSortInCreationOrderWithinOneMillisecond()
    {
        var generator = new MessageIdGenerator(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T01:29:51.006Z")));
        var ids = Enumerable.Range(0, 1000).Select(_ => generator.NewId()).ToList();

        Assert.That(ids, Is.All.Matches<string>(MessageIdGenerator.IsValid));
        Assert.That(ids, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(ids, Is.Unique);
    }

    [Test]
    public void IdEncodesTheCreationMillisecond()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T01:29:51.006Z"));
        var generator = new MessageIdGenerator(time);

        var first = generator.NewId(out var createdAt);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = generator.NewId(out var later);

        Assert.That(createdAt, Is.EqualTo(DateTime.Parse("2026-11-28T01:29:51.006Z").ToUniversalTime()));
        Assert.That(createdAt.Kind, Is.EqualTo(DateTimeKind.Utc));
        Assert.That(later - createdAt, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
        Assert.That(string.CompareOrdinal(first, second), Is.LessThan(0));
    }

    [Test]
    public void ClockSteppingBackDoesNotReorderIds()
    {
        var time = new SteppingClock { Now = DateTimeOffset.Parse("2026-11-28T01:29:51.006Z") };
        var generator = new MessageIdGenerator(time);
        var before = generator.NewId();

        time.Now = time.Now.AddSeconds(-5);

        Assert.That(string.CompareOrdinal(before, generator.NewId()), Is.LessThan(0));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("01M8G2GK6A6YB4NAZ4TCAZFHJ")]
    [TestCase("01M8G2GK6A6YB4NAZ4TCAZFHJBB")]
    [TestCase("01M8G2GK6A6YB4NAZ4TCAZFHJU")]
    [TestCase("81M8G2GK6A6YB4NAZ4TCAZFHJB")]
    public void MalformedIdsAreInvalid(string? id) => Assert.That(MessageIdGenerator.IsValid(id), Is.False);

    /// <summary>A wall clock that can step backwards, as NTP corrections do (FakeTimeProvider refuses to).</summary>
    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
