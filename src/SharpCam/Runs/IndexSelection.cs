namespace SharpCam.Runs;

/// <summary>Parses index lists such as "0-15", "3,7,10-12" (inclusive ranges) against a data set size.</summary>
public static class IndexSelection
{
    /// <summary>The parameter its errors name (<see cref="ArgumentException.ParamName"/>).</summary>
    public const string Parameter = "Indices";

    public static IReadOnlyList<int> Parse(string text, int count)
    {
        var indices = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length > 2 || !bounds.All(b => int.TryParse(b, out _)))
                throw new ArgumentException($"'{part}' is not an index or a range like 0-15.", Parameter);
            int first = int.Parse(bounds[0]), last = int.Parse(bounds[^1]);
            if (first > last) throw new ArgumentException($"range '{part}' runs backwards; write {last}-{first}.", Parameter);
            if (first < 0 || last >= count)
                throw new ArgumentException($"'{part}' is outside the data set, which has indices 0-{count - 1}.", Parameter);
            for (int i = first; i <= last; i++) indices.Add(i);
        }
        if (indices.Count == 0) throw new ArgumentException("no index given; use e.g. 0-15.", Parameter);
        return indices.Distinct().ToList();
    }
}
