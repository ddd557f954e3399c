namespace SharpCam.Server;

/// <summary>A request the server refuses, with the HTTP status and a message the page shows as it is.</summary>
public class RequestRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The model is running and its queue is full: answered 429 with Retry-After, the page retries.</summary>
public sealed class ServerBusyException(int queued)
    : RequestRefusedException(429, $"The model is busy ({queued} requests already waiting); retrying in a moment.");

/// <summary>No such item, upload or result: ids come from the server, never paths.</summary>
public sealed class UnknownIdException(string what, string id)
    : RequestRefusedException(404, $"No {what} '{Truncate(id)}' here. Ids come from this server's lists; uploads and results are forgotten after a while, so reload the page.")
{
    private static string Truncate(string id) => id.Length > 60 ? id[..60] + "…" : id;
}
