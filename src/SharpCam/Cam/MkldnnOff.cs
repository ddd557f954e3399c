using System.Runtime.InteropServices;

namespace SharpCam.Cam;

/// <summary>
/// Turns libtorch's oneDNN (MKL-DNN) kernels off until disposed, then restores the setting. The CAM backward runs
/// under it: libtorch 2.10's oneDNN convolution backward-data gives wrong input gradients on AVX2/AVX-512 CPUs (off by
/// ~10 on values of ~50, NaN, changing from call to call; tests/SharpCam.Tests/Cam/ConvolutionBackwardTests), while
/// ATen's own kernels match conv_transpose2d exactly. Forwards keep oneDNN, which is several times faster.
/// TorchSharp has no binding for the switch, so it is at::globalContext().setUserEnabledMkldnn, called directly. Public
/// for callers who take input gradients through convolutions themselves.
/// </summary>
public sealed class MkldnnOff : IDisposable
{
    private static readonly object Gate = new();
    private readonly bool _previous;

    public MkldnnOff()
    {
        Monitor.Enter(Gate);   // the switch is process-wide: one backward at a time flips it
        _previous = UserEnabledMkldnn(GlobalContext());
        SetUserEnabledMkldnn(GlobalContext(), false);
    }

    public void Dispose()
    {
        SetUserEnabledMkldnn(GlobalContext(), _previous);
        Monitor.Exit(Gate);
    }

    [DllImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("torch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
