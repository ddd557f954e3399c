namespace SharpCam.Data;

/// <summary>
/// Which data set the IDX files hold. Both have 10 classes of 28×28 grey images in the same byte layout, so the
/// files cannot tell them apart; only the class names differ.
/// </summary>
public enum MnistVariant
{
    /// <summary>Handwritten digits (MNIST): classes "0".."9".</summary>
    Digits,

    /// <summary>Zalando's Fashion-MNIST: clothing, bags and shoes.</summary>
    Fashion,
}

public static class MnistVariants
{
    private static readonly string[] DigitNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>torchvision.datasets.FashionMNIST.classes, in label order.</summary>
    private static readonly string[] FashionNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames(this MnistVariant variant) => variant switch
    {
        MnistVariant.Digits => DigitNames,
        MnistVariant.Fashion => FashionNames,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>
    /// Guesses the variant from the folder's name, since the bytes cannot tell: Fashion-MNIST when the folder or its
    /// parent is named like it (Debian's /usr/share/datasets/fashion-mnist, torchvision's FashionMNIST/raw,
    /// Zalando's data/fashion, or "fmnist"); digits otherwise. Pass the variant explicitly to override.
    /// </summary>
    public static MnistVariant Detect(string folder)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(folder));
        var names = new[] { dir.Name, dir.Parent?.Name ?? "" };
        return names.Any(n => n.Contains("fashion", StringComparison.OrdinalIgnoreCase) || n.Contains("fmnist", StringComparison.OrdinalIgnoreCase))
            ? MnistVariant.Fashion
            : MnistVariant.Digits;
    }
}
