namespace SharpCam.Tests.Support;

/// <summary>
/// Tests that seed torch's process-wide generator (torch.manual_seed) and assert on what it draws. Every model
/// construction elsewhere draws from that generator too, so these run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchRandom
{
    public const string Name = "global torch random generator";
}
