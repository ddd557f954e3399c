namespace SharpCam.Data;

/// <summary>Which half of an MNIST-format data set: the training files (train-*) or the test files (t10k-*).</summary>
public enum MnistSplit
{
    Train,
    Test,
}
