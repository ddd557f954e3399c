using SharpCam.Models;

namespace SharpCam.Tests.Models;

public class WeightsDownloaderTests
{
    [Theory]
    [InlineData("vgg16-397923af.pth", "397923af")]
    [InlineData("alexnet-owt-7be5be79.pth", "7be5be79")]
    [InlineData("vgg16_features-amdegroot-88682ab5.pth", "88682ab5")]
    [InlineData("inception_v3_google-0cc3c7bd.pth", "0cc3c7bd")]
    [InlineData("model.pth", null)]
    [InlineData("model-.pth", null)]
    [InlineData("my-weights.pth", null)]
    public void FindsTheHashPrefixAsTorchHubDoes(string fileName, string? prefix)
    {
        Assert.Equal(prefix, WeightsDownloader.HashPrefix(fileName));
    }

    [Fact]
    public void EveryPublishedFileIsTorchvisionsWithAHashPrefix()
    {
        foreach (var spec in ModelZoo.All.Where(s => s.WeightsFileName is not null))
        {
            Assert.Equal("https://download.pytorch.org/models/" + spec.WeightsFileName, spec.WeightsUrl!.AbsoluteUri);
            // torchvision's hash prefixes have 8 hex digits, except four older files with 10 (torch.hub takes any count).
            var digits = spec.Name is "shufflenet_v2_x0_5" or "shufflenet_v2_x1_0" or "mnasnet0_5" or "mnasnet1_0" ? 10 : 8;
            Assert.Matches($"^[0-9a-f]{{{digits}}}$", WeightsDownloader.HashPrefix(spec.WeightsFileName!));
        }
        Assert.Equal("vgg16-397923af.pth", ModelZoo.Get("vgg16").WeightsFileName);
    }
}
