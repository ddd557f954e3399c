using System.Reflection;

namespace SharpCam;

/// <summary>The library's identity, as written into manifests and reports.</summary>
public static class SharpCamInfo
{
    public static string Version { get; } =
        typeof(SharpCamInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
