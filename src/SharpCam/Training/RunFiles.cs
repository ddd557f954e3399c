using System.Globalization;
using System.Text;
using SharpCam.IO;

namespace SharpCam.Training;

/// <summary>The plain-text records of a run: Lightning-style `metrics.csv` and `hparams.yaml`, written atomically.</summary>
public static class RunFiles
{
    public const string MetricsHeader = "epoch,step,train_loss,train_acc,val_loss,val_acc";

    /// <summary>Rewrites the whole CSV (one row per finished epoch) under a temporary name, then renames it into place.</summary>
    public static void WriteMetrics(string path, IEnumerable<EpochMetrics> epochs)
    {
        var csv = new StringBuilder(MetricsHeader).Append('\n');
        foreach (var e in epochs)
            csv.Append(string.Join(',', e.Epoch, e.Step, Number(e.TrainLoss), Number(e.TrainAccuracy), Number(e.ValLoss),
                Number(e.ValAccuracy))).Append('\n');
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    /// <summary>
    /// One `key: value` line per setting. Strings are single-quoted; a double always gets a decimal point
    /// (1e-8 → 1.0e-08) because YAML 1.1 readers such as PyYAML take `1E-08` for a string.
    /// </summary>
    public static void WriteHyperParameters(string path, IEnumerable<KeyValuePair<string, object>> values) =>
        AtomicFile.WriteAllText(path, string.Concat(values.Select(kv => $"{kv.Key}: {YamlValue(kv.Value)}\n")));

    private static string YamlValue(object value) => value switch
    {
        string s => "'" + s.Replace("'", "''") + "'",
        double d when double.IsFinite(d) => YamlFloat(Number(d)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string YamlFloat(string number)
    {
        int exponent = number.IndexOf('E');
        var (mantissa, rest) = exponent < 0 ? (number, "") : (number[..exponent], "e" + number[(exponent + 1)..]);
        return (mantissa.Contains('.') ? mantissa : mantissa + ".0") + rest;
    }

    /// <summary>Shortest text that reads back as the same double.</summary>
    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
