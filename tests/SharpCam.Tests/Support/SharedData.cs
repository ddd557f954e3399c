namespace SharpCam.Tests.Support;

/// <summary>
/// The read-only reference folder beside the repository (`../shared`: MNIST digits, photos, pytorch-grad-cam
/// fixtures). Tests that need it use <see cref="SharedDataFactAttribute"/> and are skipped cleanly when it is absent.
/// SHARPCAM_SHARED overrides the location.
/// </summary>
public static class SharedData
{
    public static string? Root { get; } = Locate();

    public static string PathOf(string relative) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException("../shared is not available"), relative);

    private static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable("SHARPCAM_SHARED");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        var shared = System.IO.Path.Combine(RepoPaths.Root, "..", "shared");
        return Directory.Exists(System.IO.Path.Combine(shared, "fixtures")) ? System.IO.Path.GetFullPath(shared) : null;
    }
}

/// <summary>A fact that needs ../shared; skipped (not failed) where it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Root is null) Skip = "../shared (reference fixtures) is not present beside the repository";
    }
}

/// <summary>A theory that needs ../shared; skipped (not failed) where it is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (SharedData.Root is null) Skip = "../shared (reference fixtures) is not present beside the repository";
    }
}
