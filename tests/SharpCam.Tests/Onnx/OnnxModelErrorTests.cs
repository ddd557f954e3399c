using SharpCam.Onnx;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Onnx;

/// <summary>Bad ONNX files: each fails with one clear message that names the file and the problem.</summary>
public class OnnxModelErrorTests
{
    [Fact]
    public void A_file_that_is_not_onnx_is_refused_naming_it()
    {
        using var folder = new TempFolder();
        var path = folder.File("notes.onnx");
        File.WriteAllText(path, "This is a text file, not a model.\n");
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_truncated_file_says_so()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(RepoPaths.Fixture("onnx/nhwc_handmade.onnx"));
        var path = folder.File("cut.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void An_unsupported_op_names_the_op_the_node_and_what_is_supported()
    {
        var path = RepoPaths.Fixture("onnx/unsupported_op.onnx");
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("LRN", e.Message);
        Assert.Contains("'local_response_norm'", e.Message);
        Assert.Contains("Supported operators: Abs, Add, And, AveragePool", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Missing_external_data_names_the_file_to_put_beside_the_model()
    {
        using var folder = new TempFolder();
        var path = folder.File("resnet18_op11.onnx");
        File.Copy(RepoPaths.Fixture("onnx/resnet18_op11.onnx"), path);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains(Path.Combine(folder.Path, "resnet18_op11.weights"), e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Truncated_external_data_is_refused()
    {
        using var folder = new TempFolder();
        var path = OnnxFixtures.Prepare("vgg11_op11", folder);
        var weights = Path.Combine(folder.Path, "vgg11_op11.weights");
        using (var file = File.OpenWrite(weights)) file.SetLength(file.Length - 4);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void An_unknown_output_lists_the_outputs()
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(RepoPaths.Fixture("onnx/nhwc_handmade.onnx"), "scores"));
        Assert.Contains("Outputs: logits, probabilities", e.Message);
    }

    [Fact]
    public void A_batch_the_graph_fixed_at_1_is_one_line_naming_the_fix()
    {
        using var folder = new TempFolder();
        using var model = OnnxModel.Load(OnnxFixtures.Prepare("zoo/vit_small_batch1", folder));
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var noGrad = TorchSharp.torch.no_grad();
        Assert.Equal(new long[] { 1, 10 }, model.call(OnnxFixtures.Images(1, 3, 32, 32)).shape);
        var e = Assert.Throws<ArgumentException>(() => model.call(OnnxFixtures.Images(2, 3, 32, 32)));
        Assert.Contains("exported for a batch of 1", e.Message);
        Assert.Contains("--batch-size 1", e.Message);
        Assert.Contains("dynamic_axes={'input': {0: 'N'}}", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
