using SharpCam.Tests.Support;
using SharpCam.Training;

namespace SharpCam.Tests.Training;

public class RunFilesTests
{
    [Fact]
    public void MetricsCsvHasOneExactRowPerEpoch()
    {
        using var root = new TempFolder();
        var path = Path.Combine(root.Path, "metrics.csv");
        RunFiles.WriteMetrics(path, [new EpochMetrics(0, 258, 0.1, 0.96875, 1.0 / 3, 0.5, 1.5), new EpochMetrics(1, 516, 2e-7, 1, 0.25, 0.75, 1.2)]);
        Assert.Equal("epoch,step,train_loss,train_acc,val_loss,val_acc\n0,258,0.1,0.96875,0.3333333333333333,0.5\n1,516,2E-07,1,0.25,0.75\n",
            File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(root.Path, "*.tmp"));
    }

    [Fact]
    public void HyperParametersYamlKeepsFloatsFloatsForYaml11Readers()
    {
        using var root = new TempFolder();
        var path = Path.Combine(root.Path, "hparams.yaml");
        RunFiles.WriteHyperParameters(path, new TrainingOptions().HyperParameters().Prepend(new("architecture", "lenet")));
        Assert.Equal("architecture: 'lenet'\nlr: 0.001\nbatch_size: 32\nseed: 42\nepochs: 6\noptimizer: 'adam'\n" +
                     "beta1: 0.9\nbeta2: 0.999\neps: 1.0e-08\nweight_decay: 0.0\n", File.ReadAllText(path));
    }
}
