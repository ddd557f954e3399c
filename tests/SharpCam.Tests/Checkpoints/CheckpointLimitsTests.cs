using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints;

/// <summary>
/// Small files that claim huge contents, run through the real CLI in a child process whose peak resident memory is
/// measured (<see cref="CliProcess"/>): each must be refused with a short message naming the file, and the process
/// must stay under 1 GiB. Before these limits each of them drove the process past 1 GiB (1.4 GiB to 6.5 GiB, or
/// growing until the harness killed it at 2 GiB).
/// </summary>
public class CheckpointLimitsTests(ITestOutputHelper output)
{
    private const long OneGiB = 1L << 30;

    /// <summary>1.25 GiB of float32 zeros: more than the 1 GiB budget on its own, a few MB deflated.</summary>
    private const long HugeFloats = (5L << 30) / 16;

    private static IReadOnlyList<HostileFiles.Declared> LeNetKeys(int numClasses = 10)
    {
        using var model = new LeNet(numClasses);
        return model.state_dict().Select(kv => new HostileFiles.Declared(kv.Key, kv.Value.shape)).ToList();
    }

    private CliProcess.Result RunTest(string checkpoint)
    {
        var result = CliProcess.Run(["test", "--checkpoint", checkpoint, "--json"]);
        output.WriteLine(result.ToString());
        return result;
    }

    /// <summary>Refused (exit 1), by a message that names the file and says <paramref name="problem"/>, without a stack trace, under 1 GiB.</summary>
    private static void AssertRefused(CliProcess.Result result, string path, string problem)
    {
        var message = result.Message;
        Assert.True(result.PeakBytes < OneGiB, $"peak memory {result.PeakMiB:F0} MiB: {result}");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", message);
        Assert.Contains(path, message);
        Assert.Contains(problem, message);
        Assert.DoesNotContain(" at SharpCam.", message);
        Assert.DoesNotContain("Exception raised from", message);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void AnUnwantedKeyIsRefusedBeforeItsGigabytesAreRead()
    {
        using var temp = new TempFolder();
        var path = temp.File("extra-key.pth");
        HostileFiles.StateDictZip(path, [.. LeNetKeys(), new("extra.weight", [HugeFloats])]);
        AssertRefused(RunTest(path), path, "1 unexpected key (extra.weight)");
    }

    [Fact]
    public void AHeadDeclaringMillionsOfClassesIsRefusedBeforeAnythingIsAllocated()
    {
        using var temp = new TempFolder();
        var path = temp.File("huge-head.pth");
        var keys = LeNetKeys().Select(k => k.Key switch
        {
            "fc.4.weight" => k with { Shape = [HugeFloats / 84, 84] },
            "fc.4.bias" => k with { Shape = [HugeFloats / 84] },
            _ => k,
        }).ToList();
        HostileFiles.StateDictZip(path, keys);
        AssertRefused(RunTest(path), path, $"gives {HugeFloats / 84:N0} classes; SharpCam builds models with 1 to 100,000 classes");
    }

    [Fact]
    public void APickleThatInflatesToGigabytesIsRefusedByItsDeclaredSize()
    {
        using var temp = new TempFolder();
        var path = temp.File("pickle-bomb.pth");
        HostileFiles.PickleBomb(path, 4 * HugeFloats);
        AssertRefused(RunTest(path), path, $"its pickle archive/data.pkl is {4 * HugeFloats:N0} bytes");
    }

    /// <summary>hparams_graph.ckpt: 40 levels of [x, x] shared through the memo, 2^40 leaves as a tree, in 891 bytes.</summary>
    [Fact]
    public void SharedReferenceHyperParametersStayBounded()
    {
        var path = RepoPaths.Fixture("hostile/hparams_graph.ckpt");
        AssertRefused(RunTest(path), path, "(the file has 0 tensors, the model 10)");
        var metadata = CheckpointLoader.Load(path).Metadata;
        Assert.Equal(1e-3, metadata.HyperParameters["lr"]);
        Assert.IsType<List<object?>>(metadata.HyperParameters["graph"]);
    }

    /// <summary>A 1-byte .dat (an empty TorchSharp state dict) whose sidecar claims 20 million classes: the head is never built at that size.</summary>
    [Fact]
    public void ASidecarClaimingMillionsOfClassesBuildsNothingOfThatSize()
    {
        using var temp = new TempFolder();
        var path = temp.File("tiny.dat");
        File.WriteAllBytes(path, [0]);
        File.WriteAllText(CheckpointStore.MetadataPath(path), """{ "Architecture": "lenet", "NumClasses": 20000000 }""");
        AssertRefused(RunTest(path), path, "(the file has 0 tensors, the model 10)");
    }

    [Fact]
    public void StridesThatOverflow64BitsAreReportedAsDamage()
    {
        var path = RepoPaths.Fixture("hostile/strides_overflow.pth");
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("tensor 'w' has sizes [3, 4611686018427387904] and strides [4611686018427387904, 1] whose extent overflows 64-bit arithmetic",
                        error.Message);
        AssertRefused(RunTest(path), path, "overflows 64-bit arithmetic");
    }

    /// <summary>Sizes of 2^31 and more are pickled as LONG1: read as integers, the honest problem is the empty storage.</summary>
    [Fact]
    public void ATensorOfTwoBillionElementsIsReadAsIntegersNotRefusedForThem()
    {
        var path = RepoPaths.Fixture("hostile/long1_numel.pth");
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("storage archive/data/0 holds 0 bytes where its tensors need 2147483648", error.Message);
    }

    [Fact]
    public void ASafetensorsHeaderLongerThanTheFileIsReportedAsThat()
    {
        var path = RepoPaths.Fixture("hostile/header_too_long.safetensors");
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("its header says it is 1,000,000 bytes long, but only 58 bytes follow the length field", error.Message);
    }

    [Fact]
    public void ACompressedStorageInflatingMoreThanTwentyFoldIsRefusedWhenNoModelSelectsIt()
    {
        using var temp = new TempFolder();
        var path = temp.File("bomb.pth");
        HostileFiles.StateDictZip(path, [new("w", [16L << 20])]);   // 64 MiB of zeros in about 64 KB
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("archive/data/0 is compressed", error.Message);
        Assert.Contains("which SharpCam refuses as a zip bomb", error.Message);
    }

    [Fact]
    public void LegitimateStoredStoragesStillLoadAndOnlyWantedKeysAreRead()
    {
        using var temp = new TempFolder();
        var path = temp.File("stored.pth");
        HostileFiles.StateDictZip(path, [new("a", [3, 4]), new("b", [5])], deflate: false);
        using var scope = NewDisposeScope();
        var all = CheckpointLoader.Load(path).Tensors;
        Assert.Equal([3L, 4], all["a"].shape);
        var onlyB = CheckpointLoader.Load(path, declared => declared.Keys.Where(k => k == "b")).Tensors;
        Assert.Equal(["b"], onlyB.Keys);
    }
}
