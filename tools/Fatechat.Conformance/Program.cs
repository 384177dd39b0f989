// The conformance host: `dotnet run --project tools/Fatechat.Conformance` then point the Socket.IO project's
// conformance suites (or Fatechat.Tests/Conformance) at http://localhost:3000.
Fatechat.Conformance.ConformanceHost.Build(args.Length > 0 ? args[0] : "http://localhost:3000", args).Run();
