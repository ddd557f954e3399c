using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Tests.Models;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Images;

public class ImageInputsTests
{
    /// <summary>An ImageFolder tree of real images: root/tabby/…, root/golden_retriever/…, loose files, a non-image.</summary>
    private static TempFolder ImageFolderTree()
    {
        var folder = new TempFolder();
        foreach (var (source, target) in new[]
                 {
                     ("rgb.png", "tabby/b.png"), ("rgb.jpg", "tabby/a.jpg"), ("rgb.bmp", "tabby/more/c.BMP"),
                     ("rgb.webp", "golden_retriever/d.webp"), ("grey.png", "loose.png"),
                 })
            File.Copy(ZooFixtures.Image(source), folder.File(target));
        File.WriteAllText(folder.File("tabby/notes.txt"), "not an image");
        return folder;
    }

    private static string Relative(TempFolder folder, ImageInput input) =>
        Path.GetRelativePath(folder.Path, input.Path).Replace('\\', '/');

    [Fact]
    public void FoldersAreSearchedRecursivelyAndClassFoldersBecomeLabels()
    {
        using var folder = ImageFolderTree();
        var inputs = ImageInputs.Expand([folder.Path]);
        Assert.Equal(
            [("golden_retriever/d.webp", "golden_retriever"), ("loose.png", null), ("tabby/a.jpg", "tabby"),
             ("tabby/b.png", "tabby"), ("tabby/more/c.BMP", "tabby")],
            inputs.Select(i => (Relative(folder, i), i.FolderLabel)));
        Assert.All(inputs, i => ImageFile.Read(i.Path));
        Assert.Equal([207, 281], inputs.Where(i => i.FolderLabel is not null).Select(i => ClassNames.ImageNet.MatchFolder(i.FolderLabel!)).Distinct());
    }

    [Theory]
    [InlineData("*.png", new[] { "loose.png" })]
    [InlineData("tabby/*", new[] { "tabby/a.jpg", "tabby/b.png" })]
    [InlineData("**/*.png", new[] { "loose.png", "tabby/b.png" })]
    [InlineData("t?bby/**", new[] { "tabby/a.jpg", "tabby/b.png", "tabby/more/c.BMP" })]
    [InlineData("*/[ab].*", new[] { "tabby/a.jpg", "tabby/b.png" })]
    [InlineData("*/[!ab].*", new[] { "golden_retriever/d.webp" })]
    public void GlobsMatchImageFiles(string pattern, string[] expected)
    {
        using var folder = ImageFolderTree();
        var inputs = ImageInputs.Expand([Path.Combine(folder.Path, pattern)]);
        Assert.Equal(expected, inputs.Select(i => Relative(folder, i)));
        Assert.All(inputs, i => Assert.Null(i.FolderLabel));
    }

    [Fact]
    public void FilesAreTakenAsGivenAndListedOnce()
    {
        using var folder = ImageFolderTree();
        var odd = folder.File("photo.data");
        File.Copy(ZooFixtures.Image("rgb.png"), odd);
        var loose = Path.Combine(folder.Path, "loose.png");
        var inputs = ImageInputs.Expand([odd, loose, Path.Combine(folder.Path, "*.png"), folder.Path]);
        Assert.Equal(["photo.data", "loose.png", "golden_retriever/d.webp", "tabby/a.jpg", "tabby/b.png", "tabby/more/c.BMP"],
            inputs.Select(i => Relative(folder, i)));
    }

    [Fact]
    public void ArgumentsThatMatchNothingAreNamed()
    {
        using var folder = ImageFolderTree();
        var empty = Directory.CreateDirectory(Path.Combine(folder.Path, "empty")).FullName;
        foreach (var argument in new[] { Path.Combine(folder.Path, "missing.jpg"), Path.Combine(folder.Path, "*.gif"), empty })
            Assert.Contains(argument, Assert.Throws<FileNotFoundException>(() => ImageInputs.Expand([argument])).Message);
    }

    /// <summary>A link back to an ancestor and a second link to a folder: each folder is walked once, each image listed once.</summary>
    [Fact]
    public void SymlinkLoopsAndFoldersLinkedTwiceAreWalkedOnce()
    {
        using var folder = new TempFolder();
        var photo = folder.File("tabby/cat.png");
        File.Copy(Path.Combine(RepoPaths.Root, "samples", "chelsea.png"), photo);
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "tabby", "loop"), folder.Path);
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "tabby-again"), Path.Combine(folder.Path, "tabby"));

        var found = ImageInputs.Expand([folder.Path]);

        var only = Assert.Single(found);
        Assert.Equal("tabby", only.FolderLabel);
    }
}
