using System.Text.Json;
using SharpCam.Labels;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Labels;

/// <summary>Label files, against Python's ast.literal_eval of the same files (tests/fixtures/zoo/make_label_fixtures.py).</summary>
public class LabelFileTests
{
    private static string Fixture(string name) => RepoPaths.Fixture(Path.Combine("zoo", "labels", name));

    private static string[] PythonReading(string name) =>
        JsonSerializer.Deserialize<string[]>(File.ReadAllText(Fixture(name.Replace(".txt", ".expected.json"))))!;

    private static ClassNames ReadText(string text, string fileName = "labels.txt")
    {
        using var folder = new TempFolder();
        var path = folder.File(fileName);
        File.WriteAllText(path, text);
        return LabelFile.Read(path);
    }

    [Theory]
    [InlineData("imagenet_dict_literal.txt")]  // the notebook's imagenet1000_clsidx_to_labels.txt layout
    [InlineData("tricky_literal.txt")]         // comments, escapes, adjacent literals, u'', continuation, CRLF, order
    public void DictLiteralsReadAsPythonReadsThem(string name)
    {
        Assert.Equal(PythonReading(name), LabelFile.Read(Fixture(name)).Names);
    }

    [Fact]
    public void TheNotebookStyleFileGivesTorchvisionsNames()
    {
        Assert.Equal(ClassNames.ImageNet.Names, LabelFile.Read(Fixture("imagenet_dict_literal.txt")).Names);
    }

    [Theory]
    [InlineData("# labels\n{0: 'cat'}.__class__", 2, 11)]
    [InlineData("{0: __import__('os').system('touch /tmp/pwned')}", 1, 5)]
    [InlineData("{0: 'cat',\n 1: open('/etc/passwd').read()}", 2, 5)]
    [InlineData("{0: 'cat' + 'dog'}", 1, 11)]
    [InlineData("{0: f'{__import__(\"os\").getcwd()}'}", 1, 5)]
    [InlineData("{0: b'cat'}", 1, 5)]
    [InlineData("{0: r'cat'}", 1, 5)]
    [InlineData("{0: '''cat'''}", 1, 5)]
    [InlineData("{**{0: 'cat'}}", 1, 2)]
    [InlineData("{(lambda: 0)(): 'cat'}", 1, 2)]
    [InlineData("{0: ('cat',)}", 1, 5)]
    [InlineData("{0: ['cat']}", 1, 5)]
    [InlineData("{0: {'nested': 'dict'}}", 1, 5)]
    [InlineData("{-1: 'cat'}", 1, 2)]
    [InlineData("{0x1: 'cat'}", 1, 3)]
    [InlineData("{'0': 'cat'}", 1, 2)]
    [InlineData("{0: 7}", 1, 5)]
    [InlineData("{0 'cat'}", 1, 4)]
    [InlineData("{0: 'cat' 1: 'dog'}", 1, 11)]
    [InlineData("{0: 'cat'}\nimport os", 2, 1)]
    [InlineData("{0: 'cat'}; __import__('os')", 1, 11)]
    [InlineData("{0: 'unterminated}", 1, 5)]
    [InlineData("{0: 'bad \\N{DIGIT ONE}'}", 1, 10)]
    [InlineData("{0: 'bad \\x4'}", 1, 10)]
    [InlineData("[0, 'cat']", 1, 2)]
    [InlineData("[__import__]", 1, 2)]
    [InlineData("{0: 'cat'", 1, 10)]
    public void AnythingButIndexesAndQuotedNamesIsRejectedWithItsPosition(string text, int line, int column)
    {
        var error = Assert.Throws<FormatException>(() => ReadText(text));
        Assert.Contains($"line {line}, column {column}:", error.Message);
        Assert.Contains("labels.txt", error.Message);
    }

    [Theory]
    [InlineData("{0: 'cat', 0: 'dog'}", "class index 0 appears twice")]
    [InlineData("{0: 'cat', 2: 'dog'}", "missing: 1")]
    [InlineData("{1: 'cat'}", "missing: 0")]
    [InlineData("{0: '  '}", "empty")]
    [InlineData("{}", "names no classes")]
    public void IndexesMustRunFromZeroWithoutGapsOrRepeats(string text, string problem)
    {
        Assert.Contains(problem, Assert.Throws<FormatException>(() => ReadText(text)).Message);
    }

    [Fact]
    public void ListLiteralsGiveNamesInOrder()
    {
        Assert.Equal(["cat", "dog's toy", "bird"], ReadText("['cat', \"dog's toy\",\n 'bird',]").Names);
    }

    [Theory]
    [InlineData("[\"cat\", \"dog\"]")]
    [InlineData("{\"1\": \"dog\", \"0\": \"cat\"}")]
    public void JsonFilesGiveNamesInIndexOrder(string json)
    {
        Assert.Equal(["cat", "dog"], ReadText(json, "labels.json").Names);
    }

    [Theory]
    [InlineData("[\"cat\", 3]", "item 1 is not a string")]
    [InlineData("{\"zero\": \"cat\"}", "key \"zero\" is not a class index")]
    [InlineData("{\"0\": [\"cat\"]}", "the value of \"0\" is not a string")]
    [InlineData("\"cat\"", "a JSON label file holds")]
    [InlineData("[\"cat\",", "not valid JSON")]
    public void BadJsonIsRejectedWithTheProblem(string json, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ReadText(json, "labels.json"));
        Assert.Contains(problem, error.Message);
        Assert.Contains("labels.json", error.Message);
    }

    [Fact]
    public void PlainFileLinesAreNamesNeverCode()
    {
        using var folder = new TempFolder();
        var marker = Path.Combine(folder.Path, "pwned");
        var line = $"__import__('os').system('touch {marker}')";
        Assert.Equal([line], ReadText(line + "\n").Names);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void PlainFilesHaveOneNamePerLine()
    {
        Assert.Equal(["tench", "goldfish, Carassius auratus", "shark"], ReadText("tench\r\ngoldfish, Carassius auratus\r\n  shark \r\n\r\n\n").Names);
        Assert.Contains("line 2 is empty", Assert.Throws<FormatException>(() => ReadText("tench\n\nshark\n")).Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        Assert.Contains("/nonexistent/labels.txt", Assert.Throws<FileNotFoundException>(() => LabelFile.Read("/nonexistent/labels.txt")).Message);
    }
}
