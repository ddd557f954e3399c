using System.Text;
using System.Text.RegularExpressions;

namespace SharpCam.Images;

/// <summary>
/// One image to explain. <paramref name="FolderLabel"/> is the class folder it was found in when a folder was given
/// in torchvision's ImageFolder layout (root/&lt;class&gt;/…/&lt;image&gt;), else null.
/// </summary>
public sealed record ImageInput(string Path, string? FolderLabel);

/// <summary>Turns what the user gave (image files, folders, glob patterns) into the list of images, in a stable order.</summary>
public static class ImageInputs
{
    /// <summary>
    /// Expands each argument: an existing file is taken as it is; a folder is searched recursively for image files
    /// (<see cref="ImageFile.Extensions"/>), whose first sub-folder names are their labels (ImageFolder layout); a
    /// pattern with *, ? or [...] (and ** for any depth) matches image files. Folders and patterns are sorted by path;
    /// an image reached twice is listed once. Arguments that match nothing are errors naming them.
    /// </summary>
    public static IReadOnlyList<ImageInput> Expand(IEnumerable<string> arguments)
    {
        var result = new List<ImageInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            foreach (var input in ExpandOne(argument))
                if (seen.Add(System.IO.Path.GetFullPath(input.Path))) result.Add(input);
        }
        return result;
    }

    private static IReadOnlyList<ImageInput> ExpandOne(string argument)
    {
        if (File.Exists(argument)) return [new ImageInput(argument, null)];
        if (Directory.Exists(argument))
        {
            var found = ImagesUnder(argument, recursive: true)
                .Select(relative => new ImageInput(System.IO.Path.Combine(argument, relative), FolderOf(relative)))
                .ToList();
            return found.Count > 0 ? found
                : throw new FileNotFoundException($"The folder {argument} holds no image files ({string.Join(", ", ImageFile.Extensions)}).");
        }
        if (argument.IndexOfAny(['*', '?', '[']) >= 0)
        {
            var found = Glob(argument);
            return found.Count > 0 ? found
                : throw new FileNotFoundException($"The pattern {argument} matches no image files ({string.Join(", ", ImageFile.Extensions)}).");
        }
        throw new FileNotFoundException($"No such image file or folder: {argument}", argument);
    }

    /// <summary>
    /// Image files below <paramref name="root"/> as '/'-separated relative paths, sorted ordinally. Linked folders are
    /// followed, but no folder is entered twice (by its real path), so a symlink loop ends and a folder linked twice
    /// is listed once, under its real name when that is reached at the same depth (real folders are walked before links).
    /// </summary>
    private static IEnumerable<string> ImagesUnder(string root, bool recursive)
    {
        var found = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([root]);
        while (pending.Count > 0)
        {
            var folder = pending.Dequeue();
            if (!visited.Add(RealPath(folder))) continue;
            found.AddRange(Directory.EnumerateFiles(folder).Where(ImageFile.HasImageExtension));
            if (recursive)
                foreach (var sub in Directory.EnumerateDirectories(folder).Select(d => new DirectoryInfo(d))
                             .OrderBy(d => d.LinkTarget is not null).ThenBy(d => d.Name, StringComparer.Ordinal))
                    pending.Enqueue(sub.FullName);
        }
        return found.Select(f => System.IO.Path.GetRelativePath(root, f).Replace(System.IO.Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The folder with every link on its path resolved.</summary>
    private static string RealPath(string folder)
    {
        var full = new DirectoryInfo(System.IO.Path.GetFullPath(folder));
        var parent = full.Parent is null ? full.FullName : RealPath(full.Parent.FullName);
        var here = System.IO.Path.Combine(parent, full.Name);
        return new DirectoryInfo(here).ResolveLinkTarget(returnFinalTarget: true) is { } target ? RealPath(target.FullName) : here;
    }

    private static string? FolderOf(string relative)
    {
        var slash = relative.IndexOf('/');
        return slash > 0 ? relative[..slash] : null;
    }

    /// <summary>Files matching a glob: the fixed leading folders, then *, ?, [...] within a name and ** across folders.</summary>
    private static List<ImageInput> Glob(string pattern)
    {
        var normalized = pattern.Replace(System.IO.Path.DirectorySeparatorChar, '/');
        var segments = normalized.Split('/');
        int fixedCount = segments.TakeWhile(s => s.IndexOfAny(['*', '?', '[']) < 0).Count();
        var root = string.Join('/', segments.Take(fixedCount));
        if (root.Length == 0) root = normalized.StartsWith('/') ? "/" : ".";
        var rest = string.Join('/', segments.Skip(fixedCount));
        if (!Directory.Exists(root)) return [];
        var matcher = GlobRegex(rest);
        bool recursive = segments.Length - fixedCount > 1 || rest.Contains("**");
        return ImagesUnder(root, recursive)
            .Where(relative => matcher.IsMatch(relative))
            .Select(relative => new ImageInput(root == "." ? relative : System.IO.Path.Combine(root, relative), null))
            .ToList();
    }

    private static Regex GlobRegex(string glob)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                bool folders = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(folders ? "(?:.*/)?" : ".*");
                i += folders ? 2 : 1;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else if (c == '[' && glob.IndexOf(']', i + 1) is var end and > 0)
            {
                var set = glob[(i + 1)..end];
                regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = end;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
