namespace SharpCam.Cli.Terminal;

/// <summary>The command line itself is wrong (an unknown option, a stray argument): exit code 2, like Spectre's own parse errors.</summary>
public sealed class UsageException(string message) : Exception(message);
