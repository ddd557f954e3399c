namespace SharpCam.Tests.Support;

/// <summary>
/// The xunit trait of the numeric parity tests: results compared against outputs stored from PyTorch, pytorch-grad-cam,
/// torchvision, cv2, PIL, scipy or scikit-image. `.ci/run` runs them again under every libtorch CPU kernel set
/// (ATEN_CPU_CAPABILITY=default, avx2, avx512) with <c>--filter Category=Parity</c>: their tolerances must hold on any x86-64 CPU.
/// </summary>
public static class TestCategory
{
    public const string Name = "Category";
    public const string Parity = "Parity";
}
