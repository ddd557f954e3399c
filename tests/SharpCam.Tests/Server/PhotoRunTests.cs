using System.Text.Json.Nodes;
using SharpCam.Images;
using SharpCam.IO;
using SharpCam.Rendering;
using SharpCam.Tests.Cli;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Server;

/// <summary>The server over a photo run: a torchvision ResNet-18 (the pytorch-grad-cam fixture's seeded weights) on samples/.</summary>
[Collection(CliRunner.Collection)]
public class PhotoRunTests
{
    private static readonly Lazy<string> Run = new(() =>
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("sharpcam-serve-photos-").FullName, "run");
        var (code, output) = CliRunner.Run("explain", "--model", "resnet18", "--weights", SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"),
            "--images", Path.Combine(RepoPaths.Root, "samples"), "--out", dir);
        return code == 0 ? dir : throw new InvalidOperationException("explain for the photo server tests failed:\n" + output);
    });

    [SharedDataFact]
    public async Task ReExplainsAPhotoAsTheRunDidAndDrawsItsMapsAtThePhotosSize()
    {
        await using var server = await ServeRuns.StartAsync(Run.Value);
        using var client = new ServerClient(server.Url);
        var item = ServeRuns.Manifest(Run.Value).Items[0];
        var result = await client.ExplainAsync(new { subject = item.Id });
        using var saved = Npy.Load(Path.Combine(Run.Value, item.Map!));
        using var served = Npy.Read(await client.Http.GetStreamAsync(result["urls"]!["npy"]!.GetValue<string>()), "served map");
        // Same model, input and batch size as the run: only the run-to-run rounding of libtorch's kernels (float32, sums of
        // at most 3·3·512 = 4,608 terms in ResNet-18's layer4 convolutions: 4,608 · 2^-24 ≈ 2.7e-4 relative to maps ≤ 1).
        TensorAssert.Close(saved, served, 2.7e-4);

        var photo = ImageFile.Read(item.Source!);
        using var files = new TempFolder();
        foreach (var figure in new[] { "heatmap", "overlay" })
        {
            var path = files.File(figure + ".png");
            await File.WriteAllBytesAsync(path, await client.Http.GetByteArrayAsync(result["urls"]![figure]!.GetValue<string>()));
            var drawn = ImageFile.Read(path);
            Assert.Equal((photo.Width, photo.Height), (drawn.Width, drawn.Height));
        }
        // The notebook's overlay, exactly as the library draws it on this photo.
        var overlayPath = files.File("overlay.png");
        var expected = Overlay.OnPhoto(photo, TensorImages.ToArray(saved));
        Assert.True(ImageFile.Read(overlayPath).Pixels.Zip(expected.Pixels).All(p => Math.Abs(p.First - p.Second) <= 1),
            "the served overlay differs from Overlay.OnPhoto by more than one level (rounding of the map's last bits)");
    }

    [SharedDataFact]
    public async Task ALargeUploadIsShownScaledDownAndExplainedAtTheModelsSize()
    {
        await using var server = await ServeRuns.StartAsync(Run.Value);
        using var client = new ServerClient(server.Url);
        using var files = new TempFolder();
        // A real photo made 1600×1600 (the cat, resampled up): more than the page shows.
        var big = new ImagePreprocessing(1600, [0f, 0f, 0f], [1f, 1f, 1f]).Resize(ImageFile.Read(Path.Combine(RepoPaths.Root, "samples", "chelsea.png")));
        var path = files.File("big.png");
        Png.Write(big, path);
        var (status, uploaded) = await client.UploadAsync(await File.ReadAllBytesAsync(path), "big.png");
        Assert.True(status == 200, $"upload answered {status}: {uploaded}");
        Assert.Equal((768, 768), (uploaded!["width"]!.GetValue<int>(), uploaded["height"]!.GetValue<int>()));
        var result = await client.ExplainAsync(new { subject = uploaded["subject"]!.GetValue<string>(), method = "eigencam", layer = "layer3" });
        Assert.Equal(new JsonArray(14, 14).ToJsonString(), result["map_shape"]!.ToJsonString());   // layer3 of a 224×224 input
    }
}
