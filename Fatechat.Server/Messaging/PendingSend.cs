namespace Fatechat.Server.Messaging;

/// <summary>
/// A user's send whose place is fixed and whose answer may still be on its way (the brokers' acknowledgement).
/// <see cref="Outcome"/> fails when the bus did not take the send.
/// </summary>
public sealed record PendingSend(Task<SendOutcome> Outcome)
{
    public static PendingSend Answered(SendOutcome outcome) => new(Task.FromResult(outcome));
}
