return SharpCam.Cli.CliApp.Create().Run(args);
