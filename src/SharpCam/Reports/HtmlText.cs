using System.Globalization;
using System.Net;

namespace SharpCam.Reports;

/// <summary>Escaping and number formats for the report. Every string from a manifest goes through <see cref="E"/>.</summary>
internal static class HtmlText
{
    /// <summary>HTML-escapes text for element content and double-quoted attributes (&amp; &lt; &gt; " ').</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A number for data- attributes and JS (invariant, no grouping).</summary>
    public static string Attr(long value) => value.ToString(CultureInfo.InvariantCulture);
}
