return SharpCam.Cli.CliApp.Run(args);
