using System.Net;
using System.Net.Sockets;

namespace SharpCam.Tests.Models;

/// <summary>A real HTTP server on 127.0.0.1 serving files by name from memory; unknown names get 404.</summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files;
    private int _requests;

    public LoopbackServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/models/");
        _listener.Prefixes.Add(BaseUrl.AbsoluteUri);
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public Uri BaseUrl { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A loopback port with nothing listening (bound, read, released).</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            using var response = context.Response;
            if (_files.TryGetValue(Path.GetFileName(context.Request.Url!.AbsolutePath), out var bytes))
            {
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            else response.StatusCode = 404;
        }
    }

    public void Dispose() => _listener.Close();
}
