namespace Fatechat.Server.Auth;

public sealed record UserAccount(long Id, string Email, string PasswordHash, DateTime CreatedAt);
