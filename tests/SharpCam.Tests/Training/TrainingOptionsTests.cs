using SharpCam.Training;

namespace SharpCam.Tests.Training;

public class TrainingOptionsTests
{
    [Fact]
    public void DefaultsAreTheNotebooks()
    {
        var options = new TrainingOptions();
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0), (options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay));
        Assert.Equal((32, 6, 42, 1), (options.BatchSize, options.Epochs, options.Seed, options.IntraOpThreads));
        options.Validate();
    }

    [Fact]
    public void InvalidValuesNameTheOptionAndTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { BatchSize = 0 }));
        Assert.Equal("Invalid batch size (--batch-size): 0. Use a whole number ≥ 1 such as 32.", error.Message);
        error = Assert.Throws<ArgumentException>(() => new TrainingOptions { LearningRate = double.NaN }.Validate());
        Assert.StartsWith("Invalid learning rate (--lr): NaN.", error.Message);
        Assert.Throws<ArgumentException>(() => new TrainingOptions { Epochs = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainingOptions { Beta2 = 1 }.Validate());
    }
}
