using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpCam.Tests.Reports;

/// <summary>
/// Debian's Chromium, headless, driven through the DevTools protocol over a WebSocket (no browser download, no
/// driver package): open a page, evaluate script, click like a user, take screenshots, and collect every console
/// error, uncaught exception and browser log error (CSP violations, failed loads).
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";
    public static bool Available => File.Exists(ExecutablePath);

    /// <summary>Why a browser test cannot run here, or null when it can.</summary>
    public static string? Unavailable => Available ? null : $"{ExecutablePath} is not installed (apt-get install chromium)";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonNode>> _awaitedEvents = new();
    private readonly CancellationTokenSource _stop = new();
    private int _nextId;
    private Task _receiving = Task.CompletedTask;

    /// <summary>Console errors, uncaught exceptions and browser log errors, in order.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> LaunchAsync(int width = 1280, int height = 900)
    {
        var profile = Directory.CreateTempSubdirectory("sharpcam-chromium-").FullName;
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        // The background-networking flags matter on a closed network: without them Chromium's own connections hang.
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--hide-scrollbars", "--mute-audio", $"--window-size={width},{height}",
                     $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task ConnectAsync()
    {
        // Chromium writes the port it picked to DevToolsActivePort in the profile folder.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + Timeout;
        while (!File.Exists(portFile) || new FileInfo(portFile).Length == 0)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{ExecutablePath} exited with code {_process.ExitCode} before opening DevTools.");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{ExecutablePath} did not open DevTools within {Timeout.TotalSeconds} s.");
            await Task.Delay(50);
        }
        var port = int.Parse((await File.ReadAllLinesAsync(portFile))[0]);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout };
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
        var page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!;
        _socket.Options.Proxy = null;
        using var connect = new CancellationTokenSource(Timeout);
        await _socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()), connect.Token);
        _receiving = Task.Run(ReceiveLoop);
        await SendAsync("Runtime.enable");
        await SendAsync("Log.enable");
        await SendAsync("Page.enable");
    }

    /// <summary>Sends one command and returns its result; a protocol error becomes an exception.</summary>
    public async Task<JsonNode> SendAsync(string method, object? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(message, WebSocketMessageType.Text, true, _stop.Token);
        return await reply.Task.WaitAsync(Timeout);
    }

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url)
    {
        var loaded = AwaitEvent("Page.loadEventFired");
        var result = await SendAsync("Page.navigate", new { url });
        if (result["errorText"] is { } error) throw new InvalidOperationException($"{url}: {error}");
        await loaded.WaitAsync(Timeout);
    }

    /// <summary>The value of a script expression (promises are awaited); a thrown exception fails the call.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result["exceptionDetails"] is { } details) throw new InvalidOperationException($"{expression}: {details.ToJsonString()}");
        return result["result"]!["value"];
    }

    public async Task<T> EvaluateAsync<T>(string expression) => (await EvaluateAsync(expression))!.GetValue<T>();

    /// <summary>Scrolls the element into view and clicks its centre with real mouse events, as a user would.</summary>
    public async Task ClickAsync(string selector)
    {
        var box = (await EvaluateAsync($$"""
            (() => { const e = document.querySelector({{JsonSerializer.Serialize(selector)}});
                     if (!e) throw new Error("no element matches the selector");
                     e.scrollIntoView({ block: "center" }); const r = e.getBoundingClientRect();
                     return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()
            """))!;
        double x = box["x"]!.GetValue<double>(), y = box["y"]!.GetValue<double>();
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
            await SendAsync("Input.dispatchMouseEvent", new { type, x, y, button = type == "mouseMoved" ? "none" : "left", clickCount = 1 });
    }

    /// <summary>A PNG of the whole page (up to <paramref name="maxHeight"/> CSS pixels tall).</summary>
    public async Task<byte[]> ScreenshotAsync(int maxHeight = 8000)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics");
        var size = metrics["cssContentSize"]!;
        var clip = new { x = 0, y = 0, width = size["width"]!.GetValue<double>(), height = Math.Min(maxHeight, size["height"]!.GetValue<double>()), scale = 1 };
        var shot = await SendAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true, clip });
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    private Task<JsonNode> AwaitEvent(string method)
    {
        var source = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaitedEvents[method] = source;
        return source.Task;
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var chunk = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (chunk.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, chunk.Count);
                if (!chunk.EndOfMessage) continue;
                Dispatch(JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))!);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        catch (Exception e)
        {
            Errors.Enqueue("DevTools client: " + e);
            throw;
        }
        finally
        {
            foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("the DevTools connection closed"));
        }
    }

    private void Dispatch(JsonNode message)
    {
        if (message["id"] is { } id)
        {
            if (!_pending.TryRemove(id.GetValue<int>(), out var reply)) return;
            if (message["error"] is { } error) reply.TrySetException(new InvalidOperationException($"DevTools: {error.ToJsonString()}"));
            else reply.TrySetResult(message["result"]!);
            return;
        }
        var method = message["method"]!.GetValue<string>();
        var parameters = message["params"]!;
        switch (method)
        {
            case "Runtime.consoleAPICalled" when parameters["type"]!.GetValue<string>() is "error" or "assert":
                Errors.Enqueue("console." + parameters["type"] + ": " + string.Join(" ", parameters["args"]!.AsArray().Select(a => (a!["value"] ?? a["description"])?.ToString())));
                break;
            case "Runtime.exceptionThrown":
                var details = parameters["exceptionDetails"]!;
                Errors.Enqueue("uncaught: " + (details["exception"]?["description"] ?? details["text"]));
                break;
            case "Log.entryAdded" when parameters["entry"]!["level"]!.GetValue<string>() == "error":
                Errors.Enqueue("log: " + parameters["entry"]!["text"]);
                break;
        }
        if (_awaitedEvents.TryRemove(method, out var awaited)) awaited.TrySetResult(parameters);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _receiving.WaitAsync(TimeSpan.FromSeconds(2)); } catch (TimeoutException) { }
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } // Chromium may still be closing files
        _stop.Dispose();
    }
}
