using System.Net;
using System.Net.Sockets;

namespace SharpCam.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving files by name under /files/ (404 for anything else), counting the requests
/// it answers. Stops on dispose.
/// </summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener;
    private readonly Dictionary<string, byte[]> files;
    private int requests;

    /// <summary>Serves <paramref name="files"/> (file name → bytes) from memory.</summary>
    public LoopbackServer(Dictionary<string, byte[]> files)
    {
        this.files = files;
        (listener, BaseUri) = Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>Serves the files of <paramref name="folder"/> (read once, now).</summary>
    public static LoopbackServer ServingFolder(string folder) =>
        new(Directory.EnumerateFiles(folder).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes));

    /// <summary>http://127.0.0.1:PORT/ — files are at files/NAME below it.</summary>
    public Uri BaseUri { get; }

    public Uri Files => new(BaseUri, "files/");

    public int Requests => Volatile.Read(ref requests);

    /// <summary>A loopback port nothing listens on: connecting to it is refused at once.</summary>
    public static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose() => listener.Close();

    private static (HttpListener, Uri) Start()
    {
        // The free port found may be taken by someone else before we bind it: try a few.
        for (int attempt = 0; ; attempt++)
        {
            var uri = new Uri($"http://127.0.0.1:{ClosedPort()}/");
            var candidate = new HttpListener();
            candidate.Prefixes.Add(uri.AbsoluteUri);
            try
            {
                candidate.Start();
                return (candidate, uri);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                candidate.Close();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref requests);
            var path = context.Request.Url!.AbsolutePath;
            using var response = context.Response;
            if (path.StartsWith("/files/", StringComparison.Ordinal) && files.TryGetValue(Path.GetFileName(path), out var bytes))
            {
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            else
            {
                response.StatusCode = 404;
            }
        }
    }
}
