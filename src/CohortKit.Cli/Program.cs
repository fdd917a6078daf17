return CohortKit.Cli.CliApp.Run(args);
