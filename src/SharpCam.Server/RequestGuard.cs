using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SharpCam.Cam;
using SharpCam.Layers;

namespace SharpCam.Server;

/// <summary>
/// Runs first on every request: answers only to its own host name (no DNS rebinding), refuses state-changing requests
/// from other origins, caps JSON bodies, sets the security headers (a CSP that allows only this server's own script,
/// styles and images), and turns every error into a JSON message the page shows, so the server keeps serving.
/// </summary>
public sealed class RequestGuard(ServeOptions options)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private HashSet<string> _hosts = [];

    /// <summary>Called once the port is known (0 picks one).</summary>
    internal void Bind(int port) =>
        _hosts = options.IsLoopback
            ? [$"127.0.0.1:{port}", $"localhost:{port}", $"[::1]:{port}"]
            : [];   // bound to a public address (--host, warned): any name the machine is reached by

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        try
        {
            Check(context.Request);
            if (!context.Request.Path.StartsWithSegments("/api/uploads")
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.MaxJsonBytes;
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, message) = Describe(e);
            if (status == 500) await Console.Error.WriteLineAsync($"sharpcam serve: {context.Request.Method} {context.Request.Path}: {e}");
            context.Response.Clear();
            context.Response.StatusCode = status;
            if (e is ServerBusyException) context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(new { error = message }, ExplorerServer.Json);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { }   // the page went away
    }

    private void Check(HttpRequest request)
    {
        if (_hosts.Count > 0 && !_hosts.Contains(request.Host.Value ?? ""))
            throw new RequestRefusedException(421, $"This server answers only to http://{_hosts.First()}/ (Host '{request.Host.Value}' refused).");
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) return;
        // Browsers name the page that sent a request in Origin (and Sec-Fetch-Site): only this server's own page may change state.
        var origin = request.Headers.Origin.ToString();
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (origin.Length > 0 && origin != $"{request.Scheme}://{request.Host.Value}" || site is "cross-site" or "same-site")
            throw new RequestRefusedException(403, $"Cross-origin request refused (Origin '{origin}'): only the explorer page itself may ask this server to work.");
    }

    private static (int Status, string Message) Describe(Exception e) => e switch
    {
        RequestRefusedException refused => (refused.Status, refused.Message),
        BadHttpRequestException bad when bad.StatusCode == 413 => (413, "The request is too large for this server."),
        BadHttpRequestException bad => (bad.StatusCode, $"Bad request: {bad.Message}"),
        JsonException => (400, "The request is not the JSON this server expects."),
        UnknownCamMethodException or UnknownLayerException or ArgumentException or InvalidDataException or NotSupportedException => (400, e.Message),
        FileNotFoundException or DirectoryNotFoundException => (410, e.Message),
        _ => (500, $"Internal error ({e.GetType().Name}): {e.Message}. The server keeps running; try again or pick other settings."),
    };
}
