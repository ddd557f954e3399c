using System.Globalization;
using System.Text;

namespace SharpCam.Labels;

/// <summary>
/// Reads the one Python literal a label file may hold: a dict of integer keys to quoted strings
/// (`{0: 'tench, Tinca tinca', 1: "goldfish"}`, as the notebook's imagenet1000_clsidx_to_labels.txt) or a list of
/// quoted strings. It is a parser, not an evaluator: names, calls, operators, f-strings and every other construct
/// are rejected with their line and column, so a label file can never run code.
/// </summary>
internal sealed class PythonLiteral
{
    private readonly string _text;
    private readonly string _source;
    private int _pos;

    private PythonLiteral(string text, string source)
    {
        _text = text;
        _source = source;
    }

    /// <summary>Parses a dict {int: str} or a list [str]; returns (index, name, line, column) entries in file order.</summary>
    public static List<(int Index, string Name, int Line, int Column)> Parse(string text, string source)
    {
        var parser = new PythonLiteral(text, source);
        var entries = parser.Document();
        parser.SkipBlank();
        if (parser._pos < text.Length) throw parser.Error("unexpected text after the closing bracket");
        return entries;
    }

    private List<(int, string, int, int)> Document()
    {
        SkipBlank();
        var entries = new List<(int, string, int, int)>();
        var open = Peek();
        if (open != '{' && open != '[') throw Error("a label file literal must start with '{' or '['");
        var close = open == '{' ? '}' : ']';
        _pos++;
        while (true)
        {
            SkipBlank();
            if (Peek() == close) { _pos++; return entries; }
            var (line, column) = Position(_pos);
            int index = entries.Count;
            if (open == '{')
            {
                index = Integer();
                SkipBlank();
                Expect(':');
                SkipBlank();
            }
            entries.Add((index, Strings(), line, column));
            SkipBlank();
            if (Peek() == ',') _pos++;
            else if (Peek() != close) throw Error($"expected ',' or '{close}'");
        }
    }

    private int Integer()
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (_pos == start) throw Error("expected a class index (a non-negative integer)");
        if (!int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Error("class index too large", start);
        return value;
    }

    /// <summary>One or more adjacent string literals, concatenated as Python does ('a' 'b' == 'ab').</summary>
    private string Strings()
    {
        var result = new StringBuilder();
        do
        {
            result.Append(StringLiteral());
            SkipBlank();
        } while (Peek() is '\'' or '"' || (Peek() is 'u' or 'U' && Peek(1) is '\'' or '"'));
        return result.ToString();
    }

    private string StringLiteral()
    {
        if (Peek() is 'u' or 'U' && Peek(1) is '\'' or '"') _pos++;  // u'' is a plain str in Python 3
        var quote = Peek();
        if (quote != '\'' && quote != '"')
            throw Error(char.IsAsciiLetter(quote) && Peek(1) is '\'' or '"'
                ? $"string prefix '{quote}' is not allowed; write plain quoted names"
                : "expected a quoted class name");
        if (Peek(1) == quote && Peek(2) == quote) throw Error("triple-quoted strings are not allowed");
        int start = _pos++;
        var value = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n') throw Error("unterminated string", start);
            var c = _text[_pos++];
            if (c == quote) return value.ToString();
            if (c != '\\') { value.Append(c); continue; }
            Escape(value);
        }
    }

    private void Escape(StringBuilder value)
    {
        int at = _pos - 1;
        if (_pos >= _text.Length) throw Error("unterminated string", at);
        var c = _text[_pos++];
        switch (c)
        {
            case '\n': break;  // line continuation
            case '\\' or '\'' or '"': value.Append(c); break;
            case 'n': value.Append('\n'); break;
            case 't': value.Append('\t'); break;
            case 'r': value.Append('\r'); break;
            case 'a': value.Append('\a'); break;
            case 'b': value.Append('\b'); break;
            case 'f': value.Append('\f'); break;
            case 'v': value.Append('\v'); break;
            case 'x': value.Append(char.ConvertFromUtf32(Hex(2, at))); break;
            case 'u': value.Append(char.ConvertFromUtf32(Hex(4, at))); break;
            case 'U': value.Append(char.ConvertFromUtf32(Hex(8, at))); break;
            case >= '0' and <= '7':
            {
                int code = c - '0';
                for (int i = 0; i < 2 && Peek() is >= '0' and <= '7'; i++) code = code * 8 + (_text[_pos++] - '0');
                value.Append((char)code);
                break;
            }
            case 'N': throw Error("\\N{...} escapes are not supported; write the character itself", at);
            default: value.Append('\\').Append(c); break;  // Python keeps unknown escapes as written
        }
    }

    private int Hex(int digits, int at)
    {
        if (_pos + digits > _text.Length
            || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            throw Error($"bad \\{_text[at + 1]} escape", at);
        _pos += digits;
        return code;
    }

    private void Expect(char c)
    {
        if (Peek() != c) throw Error($"expected '{c}'");
        _pos++;
    }

    /// <summary>Skips spaces, line ends and # comments.</summary>
    private void SkipBlank()
    {
        while (_pos < _text.Length)
        {
            if (char.IsWhiteSpace(_text[_pos])) _pos++;
            else if (_text[_pos] == '#') { while (_pos < _text.Length && _text[_pos] != '\n') _pos++; }
            else break;
        }
    }

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private (int Line, int Column) Position(int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++)
            if (_text[i] == '\n') { line++; lineStart = i + 1; }
        return (line, offset - lineStart + 1);
    }

    private FormatException Error(string problem, int? offset = null)
    {
        var at = offset ?? _pos;
        var (line, column) = Position(at);
        var found = at < _text.Length ? $" at '{Describe(_text[at])}'" : " at the end of the file";
        return new FormatException(
            $"{_source}: line {line}, column {column}: {problem}{found}. A label file may hold only {{index: 'name', ...}} " +
            "or ['name', ...] with integer indexes and quoted names (nothing is evaluated).");
    }

    private static string Describe(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
