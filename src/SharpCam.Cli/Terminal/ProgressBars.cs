using Spectre.Console;

namespace SharpCam.Cli.Terminal;

/// <summary>Runs work with Spectre.Console progress bars fed by the library's <see cref="ProgressUpdate"/> reports.</summary>
public static class ProgressBars
{
    public static T Run<T>(Func<IProgress<ProgressUpdate>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new SynchronousProgress(update =>
                {
                    if (!tasks.TryGetValue(update.Task, out var task))
                        tasks[update.Task] = task = context.AddTask(Markup.Escape(update.Task), maxValue: Math.Max(1, update.Total));
                    task.MaxValue = Math.Max(1, update.Total);
                    task.Value = update.Done;
                    task.Description = Markup.Escape(update.Status is null ? update.Task : $"{update.Task} ({update.Status})");
                });
                result = work(progress);
            });
        return result;
    }

    public static void Run(Action<IProgress<ProgressUpdate>> work) => Run<object?>(p => { work(p); return null; });

    /// <summary>Reports on the calling thread: System.Progress would post to the thread pool and reorder updates.</summary>
    private sealed class SynchronousProgress(Action<ProgressUpdate> report) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => report(value);
    }
}
