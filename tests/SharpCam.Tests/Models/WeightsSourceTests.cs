using SharpCam.Models;

namespace SharpCam.Tests.Models;

public class WeightsSourceTests
{
    [Fact]
    public void TheCacheFolderIsTorchHubs()
    {
        var saved = (Environment.GetEnvironmentVariable("TORCH_HOME"), Environment.GetEnvironmentVariable("XDG_CACHE_HOME"));
        try
        {
            Environment.SetEnvironmentVariable("TORCH_HOME", "/data/torch");
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/data/xdg");
            Assert.Equal("/data/torch/hub/checkpoints", WeightsSource.DefaultCacheDirectory());
            Environment.SetEnvironmentVariable("TORCH_HOME", null);
            Assert.Equal("/data/xdg/torch/hub/checkpoints", WeightsSource.DefaultCacheDirectory());
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".cache", "torch", "hub", "checkpoints"), WeightsSource.DefaultCacheDirectory());
            Environment.SetEnvironmentVariable("TORCH_HOME", "~/models");
            Assert.Equal(Path.Combine(home, "models", "hub", "checkpoints"), WeightsSource.DefaultCacheDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("TORCH_HOME", saved.Item1);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved.Item2);
        }
    }

    [Theory]
    [InlineData(null, "https://download.pytorch.org/models/resnet50-0676ba61.pth")]
    [InlineData("https://mirror.example/torch", "https://mirror.example/torch/resnet50-0676ba61.pth")]
    [InlineData("https://mirror.example/torch/", "https://mirror.example/torch/resnet50-0676ba61.pth")]
    public void ABaseUrlReplacesTheOfficialFolder(string? baseUrl, string expected)
    {
        var source = new WeightsSource { BaseUrl = baseUrl is null ? null : new Uri(baseUrl) };
        Assert.Equal(expected, source.UrlFor(ModelZoo.Get("resnet50")).AbsoluteUri);
    }
}
