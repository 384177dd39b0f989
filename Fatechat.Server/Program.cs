// Everything is wired in FatechatApp, so that tests start exactly this server.
Fatechat.Server.FatechatApp.Build(args).Run();
