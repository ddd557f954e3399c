using System.Net.Http;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace SharpCam.Tests.Server;

/// <summary>HTTP to a test server: JSON calls through HttpClient, and raw requests for paths HttpClient would normalise.</summary>
public sealed class ServerClient(Uri url) : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(int Status, JsonNode? Body)> PostJsonAsync(string path, object body, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (origin is not null) request.Headers.Add("Origin", origin);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    public async Task<JsonNode> ExplainAsync(object body)
    {
        var (status, json) = await PostJsonAsync("/api/explain", body);
        Assert.True(status == 200, $"explain answered {status}: {json}");
        return json!;
    }

    public async Task<(int Status, JsonNode? Body)> UploadAsync(byte[] bytes, string name = "upload.png")
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = content };
        request.Headers.Add("X-File-Name", Uri.EscapeDataString(name));
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>GET with the path exactly as given (no dot-segment removal, no re-encoding); returns status and body.</summary>
    public async Task<(int Status, string Body)> RawGetAsync(string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Http.BaseAddress!.Host, Http.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {Http.BaseAddress.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1]);
        return (status, response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    public void Dispose() => Http.Dispose();
}
