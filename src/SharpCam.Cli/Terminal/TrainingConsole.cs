using SharpCam.Explanation;
using SharpCam.Training;
using Spectre.Console;

namespace SharpCam.Cli.Terminal;

/// <summary>Tables of a training and of a test evaluation, as `train`, `test` and `demo` print them.</summary>
public static class TrainingConsole
{
    public static void ShowTraining(LeNetTrainingRun training, string dataFolder)
    {
        AnsiConsole.MarkupLine($"Trained LeNet on [bold]{training.TrainCount:N0}[/] images, validated on [bold]{training.ValidationCount:N0}[/] ({Markup.Escape(dataFolder)})");
        var table = new Table().AddColumns("epoch", "train loss", "train acc", "val loss", "val acc", "seconds");
        foreach (var e in training.Summary.Epochs)
            table.AddRow($"{e.Epoch}", $"{e.TrainLoss:F4}", $"{e.TrainAccuracy:P2}", $"{e.ValLoss:F4}", $"{e.ValAccuracy:P2}", $"{e.Seconds:F1}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Run folder: [green]{Markup.Escape(training.Summary.Run.Path)}[/] (metrics.csv, TensorBoard events, checkpoints/)");
    }

    /// <summary>Loss, accuracy, per-class accuracy and the confusion matrix.</summary>
    public static void ShowEvaluation(Evaluation evaluation, IReadOnlyList<string> classNames)
    {
        var confusion = evaluation.Confusion!;
        var correct = Enumerable.Range(0, confusion.Count).Sum(c => confusion[c][c]);
        AnsiConsole.MarkupLine($"Test loss [bold]{evaluation.TestLoss:F4}[/], accuracy [bold]{evaluation.TestAcc:P2}[/] ({correct:N0} of {evaluation.N:N0})");
        var matrix = new Table().Title("confusion matrix (rows: true, columns: predicted)").AddColumn("true");
        foreach (var name in classNames) matrix.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        matrix.AddColumn(new TableColumn("accuracy").RightAligned());
        for (int t = 0; t < confusion.Count; t++)
        {
            var cells = new List<string> { Markup.Escape(classNames[t]) };
            for (int p = 0; p < confusion.Count; p++)
            {
                var count = confusion[t][p];
                cells.Add(t == p ? $"[green]{count}[/]" : count == 0 ? "[grey]·[/]" : $"[red]{count}[/]");
            }
            cells.Add(evaluation.PerClassAccuracy![t] is { } a ? $"{a:P1}" : "-");
            matrix.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(matrix);
    }
}
