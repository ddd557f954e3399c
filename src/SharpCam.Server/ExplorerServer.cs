using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SharpCam.Server;

/// <summary>
/// `sharpcam serve`: Kestrel on loopback serving the explorer page and its JSON API over one run folder. The page and
/// its script and styles are embedded; no request path maps to a file, and ids (items, uploads, results) are looked
/// up in the server's own tables, so nothing outside what the run names can be read.
/// </summary>
public sealed class ExplorerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Explorer _explorer;

    private ExplorerServer(WebApplication app, Explorer explorer, Uri url)
    {
        _app = app;
        _explorer = explorer;
        Url = url;
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:8765/.</summary>
    public Uri Url { get; }

    public Explorer Explorer => _explorer;

    /// <summary>Opens the run folder, loads its model and starts listening.</summary>
    public static async Task<ExplorerServer> StartAsync(ServeOptions options, CancellationToken cancellation = default)
    {
        var device = new TorchSharp.torch.Device(options.Device);
        var run = ServedRun.Open(options.RunDir, device);
        var explorer = new Explorer(run, options);
        try
        {
            var app = Build(options, explorer, out var security);
            await app.StartAsync(cancellation);
            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var url = new UriBuilder("http", options.IsLoopback ? ServeOptions.Loopback : options.Host, bound.Port, "/").Uri;
            security.Bind(bound.Port);
            return new ExplorerServer(app, explorer, url);
        }
        catch
        {
            explorer.Dispose();
            run.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Serves until <paramref name="cancellation"/> is cancelled or the host is asked to stop (Ctrl-C or SIGTERM reach
    /// ASP.NET Core's console lifetime first), then returns; <see cref="DisposeAsync"/> lets running requests finish.
    /// </summary>
    public async Task RunUntilAsync(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) { }
    }

    private static WebApplication Build(ServeOptions options, Explorer explorer, out RequestGuard guard)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            kestrel.Limits.MaxConcurrentConnections = 64;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 << 10;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            if (options.Host == "localhost") kestrel.ListenLocalhost(options.Port);
            else if (IPAddress.TryParse(options.Host, out var address)) kestrel.Listen(address, options.Port);
            else throw new ArgumentException($"--host {options.Host}: give an IP address (127.0.0.1, the default, or e.g. 0.0.0.0 for every interface).");
        });
        var app = builder.Build();
        guard = new RequestGuard(options);
        app.Use(guard.Invoke);
        ExplorerApi.Map(app, explorer, options, LoadPage());
        return app;
    }

    /// <summary>The embedded page files by request path.</summary>
    private static IReadOnlyDictionary<string, (byte[] Bytes, string Type)> LoadPage()
    {
        var assembly = Assembly.GetExecutingAssembly();
        (byte[], string) Read(string name, string type)
        {
            using var stream = assembly.GetManifestResourceStream("wwwroot/" + name)
                               ?? throw new InvalidOperationException($"The page file {name} is not embedded in {assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (copy.ToArray(), type);
        }
        return new Dictionary<string, (byte[], string)>
        {
            ["/"] = Read("index.html", "text/html; charset=utf-8"),
            ["/app.js"] = Read("app.js", "text/javascript; charset=utf-8"),
            ["/app.css"] = Read("app.css", "text/css; charset=utf-8"),
            ["/favicon.svg"] = Read("favicon.svg", "image/svg+xml"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        _explorer.Dispose();
        _explorer.Run.Dispose();
    }

    internal static JsonSerializerOptions Json { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
