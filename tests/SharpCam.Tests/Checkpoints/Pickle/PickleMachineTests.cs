using System.IO.Compression;
using System.Text;
using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Support;
using static SharpCam.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Checkpoints.Pickle;

/// <summary>
/// The unpickler's allow-list, through real files: the committed malicious.pth (written by torch.save, proven live
/// by the fixture script) and hand-assembled pickles wrapped the way torch.save wraps them.
/// </summary>
public class PickleMachineTests
{
    private const string Marker = "/tmp/sharpcam_malicious_pickle_marker";

    [Fact]
    public void MaliciousPthIsRefusedBeforeAnythingRunsOrLoads()
    {
        File.Delete(Marker);
        using var scope = NewDisposeScope();
        using var model = new LeNet();
        var before = Snapshot(model);
        var path = PathOf("malicious.pth");
        var error = Assert.Throws<UnsafeCheckpointException>(() => CheckpointLoader.LoadInto(model, path));
        Assert.Equal("posix.system", error.Global);
        Assert.Contains(path, error.Message);
        Assert.Contains("'posix.system'", error.Message);
        Assert.False(File.Exists(Marker), "the payload ran");
        AssertUnchanged(before, model);
    }

    public static TheoryData<string, byte[], string> UnsafePickles => new()
    {
        // builtins.eval("1+1") via GLOBAL + REDUCE (protocol 2)
        { "builtins.eval", Bytes(0x80, 2, "cbuiltins\neval\n", Unicode("1+1"), 0x85, "R."), "imports" },
        // subprocess.Popen("true") via STACK_GLOBAL (protocol 4, framed)
        { "subprocess.Popen", Bytes(0x80, 4, 0x95, new byte[8], 0x8c, 10, "subprocess", 0x8c, 5, "Popen", 0x93, Unicode("true"), 0x85, "R."), "imports" },
        // os.system("true") via INST, which instantiates without a separate GLOBAL
        { "os.system", Bytes(0x80, 2, "(", Unicode("true"), "ios\nsystem\n."), "instantiates" },
        // An allowed global used for something it is not allowed to do: calling a storage class.
        { "torch.FloatStorage", Bytes(0x80, 2, "ctorch\nFloatStorage\n)R."), "calls" },
        // ... or instantiating a tensor rebuild function.
        { "torch._utils._rebuild_tensor_v2", Bytes(0x80, 2, "ctorch._utils\n_rebuild_tensor_v2\n)", 0x81, "."), "instantiates" },
        // A dangerous global placed after a valid OrderedDict, as in the malicious fixture.
        { "posix.system", Bytes(0x80, 2, "ccollections\nOrderedDict\n)R", "cposix\nsystem\n", Unicode("true"), 0x85, "R."), "imports" },
        // The dict classes take no argument or one sequence of (key, value) pairs; a dict, a non-pair or two arguments are refused.
        { "collections.OrderedDict", Bytes(0x80, 2, "ccollections\nOrderedDict\n}", 0x85, "R."), "calls" },
        { "collections.OrderedDict", Bytes(0x80, 2, "ccollections\nOrderedDict\n]K", 1, "a", 0x85, "R."), "calls" },
        { "collections.OrderedDict", Bytes(0x80, 2, "ccollections\nOrderedDict\n](K", 1, "K", 2, "K", 3, "ta", 0x85, "R."), "calls" },
        { "lightning.fabric.utilities.data.AttributeDict", Bytes(0x80, 2, "clightning.fabric.utilities.data\nAttributeDict\n))", 0x86, "R."), "calls" },
    };

    [Theory]
    [MemberData(nameof(UnsafePickles))]
    public void GlobalsOffTheAllowListAreRefusedByName(string global, byte[] pickle, string action)
    {
        using var temp = new TempFolder();
        var path = TorchZip(temp, pickle);
        var error = Assert.Throws<UnsafeCheckpointException>(() => CheckpointLoader.Load(path));
        Assert.Equal(global, error.Global);
        Assert.Contains($"{action} the Python global '{global}'", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void LegacyFormatIsGuardedByTheSameAllowList()
    {
        using var temp = new TempFolder();
        var path = temp.File("evil_legacy.pth");
        var magic = Bytes(0x80, 2, 0x8a, 10, new byte[] { 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 }, ".");
        var protocol = Bytes(0x80, 2, "M", 0xe9, 0x03, ".");
        var systemInfo = Bytes(0x80, 2, "}", Unicode("little_endian"), 0x88, "s.");
        File.WriteAllBytes(path, Bytes(magic, protocol, systemInfo, 0x80, 2, "cbuiltins\nexec\n", Unicode("pass"), 0x85, "R."));
        var error = Assert.Throws<UnsafeCheckpointException>(() => CheckpointLoader.Load(path));
        Assert.Equal("builtins.exec", error.Global);
    }

    /// <summary>
    /// OrderedDict([("w", w), ("b", b)]) and OrderedDict((("w", w), ("b", b))), with w a 2×2 view and b a 2-element
    /// view at offset 2 of one float storage [1, 2, 3, 4]: the pairs become the state dict, in order.
    /// </summary>
    [Theory]
    [InlineData("](", "e")] // a list of pairs (MARK … APPENDS)
    [InlineData("(", "t")]  // a tuple of pairs (MARK … TUPLE)
    public void AnOrderedDictBuiltFromPairsIsAStateDict(string open, string close)
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        var pickle = Bytes(0x80, 2, "ccollections\nOrderedDict\n", open,
                           Unicode("w"), FloatTensor(0, [2, 2], [2, 1]), 0x86, Unicode("b"), FloatTensor(2, [2], [1]), 0x86,
                           close, 0x85, "R.");
        var path = TorchZip(temp, pickle, ("archive/data/0", new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray()));
        var tensors = CheckpointLoader.Load(path).Tensors;
        Assert.Equal(new[] { "w", "b" }, tensors.Keys);
        AssertSameTensor(tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2), tensors["w"], "w");
        AssertSameTensor(tensor(new float[] { 3, 4 }), tensors["b"], "b");
    }

    [Fact]
    public void APickleThatIsNotADictIsNotAStateDict()
    {
        using var temp = new TempFolder();
        var path = TorchZip(temp, Bytes(0x80, 2, "]", Unicode("weights"), "a."));
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("holds a pickled list, not a state dict", error.Message);
    }

    [Fact]
    public void ADictOfNonTensorsIsNotAStateDict()
    {
        using var temp = new TempFolder();
        var path = TorchZip(temp, Bytes(0x80, 2, "}(", Unicode("epoch"), "K", 3, Unicode("model_state_dict"), "}u."));
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains("not a state dict: 2 of its 2 entries are not named tensors", error.Message);
        Assert.Contains("model_state_dict (dict)", error.Message);
    }

    /// <summary>{"state_dict": {}, "hyper_parameters": {"loop": L}} where L = [L]: read without recursing forever.</summary>
    [Fact]
    public void SelfContainingHyperParametersAreCutOff()
    {
        using var temp = new TempFolder();
        var path = TorchZip(temp, Bytes(0x80, 2, "}(", Unicode("state_dict"), "}", Unicode("hyper_parameters"), "}", Unicode("loop"),
                                        "]q", 0, "h", 0, "asu."));
        var loop = CheckpointLoader.Load(path).Metadata.HyperParameters["loop"];
        for (int depth = 0; depth < 30; depth++) loop = Assert.Single(Assert.IsType<List<object?>>(loop));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'}' }, "ends before the pickle's STOP opcode")]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 0xff, 0xff, 0, 0 }, "ends in the middle of its pickle")]
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 7, (byte)'.' }, "memo slot 7, which was never written")]
    [InlineData(new byte[] { 0x80, 2, 0x82, 1, (byte)'.' }, "opcode 0x82")]
    [InlineData(new byte[] { 0x80, 9, (byte)'.' }, "pickle protocol 9")]
    public void DamagedPicklesAreReportedNotCrashed(byte[] pickle, string problem)
    {
        using var temp = new TempFolder();
        var path = TorchZip(temp, pickle);
        var error = Assert.Throws<CheckpointReadException>(() => CheckpointLoader.Load(path));
        Assert.Contains(problem, error.Message);
        Assert.Contains(path, error.Message);
    }

    /// <summary>Wraps a pickle the way torch.save does: a zip with archive/data.pkl and the given storage entries.</summary>
    private static string TorchZip(TempFolder temp, byte[] pickle, params (string Name, byte[] Bytes)[] storages)
    {
        var path = temp.File("archive.pth");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in storages.Prepend(("archive/data.pkl", pickle)))
        {
            using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            entry.Write(bytes);
        }
        return path;
    }

    /// <summary>_rebuild_tensor_v2(storage '0' (4 floats), offset, size, stride, False, OrderedDict()), as torch.save pickles a tensor.</summary>
    private static byte[] FloatTensor(int offset, int[] size, int[] stride) => Bytes(
        "ctorch._utils\n_rebuild_tensor_v2\n(",
        "(", Unicode("storage"), "ctorch\nFloatStorage\n", Unicode("0"), Unicode("cpu"), "K", 4, "tQ",
        "K", offset, IntTuple(size), IntTuple(stride), 0x89, "ccollections\nOrderedDict\n)R", "tR");

    private static byte[] IntTuple(int[] values) => Bytes(["(", .. values.Select(v => (object)Bytes("K", v)), "t"]);

    /// <summary>Pickle bytes from parts: an int is one byte (an opcode or argument), a string its Latin-1 text, a byte[] itself.</summary>
    private static byte[] Bytes(params object[] parts) => parts.SelectMany(part => part switch
    {
        int b => new[] { (byte)b },
        string text => Encoding.Latin1.GetBytes(text),
        byte[] bytes => bytes,
        _ => throw new ArgumentException(part.ToString()),
    }).ToArray();

    /// <summary>BINUNICODE: 'X', a little-endian uint32 length, UTF-8.</summary>
    private static byte[] Unicode(string text) =>
        Bytes("X", BitConverter.GetBytes((uint)Encoding.UTF8.GetByteCount(text)), Encoding.UTF8.GetBytes(text));
}
