using System.ComponentModel;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Cli.Commands;

/// <summary>Options every model-running command shares.</summary>
public class DeviceSettings : CommandSettings
{
    [CommandOption("--device <DEVICE>")]
    [Description("Where to run the model: cpu (default), cuda, cuda:1, … (cuda needs a CUDA build of libtorch).")]
    [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";

    public override Spectre.Console.ValidationResult Validate()
    {
        try
        {
            _ = new Device(Device);
            return Spectre.Console.ValidationResult.Success();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return Spectre.Console.ValidationResult.Error($"--device {Device}: not a device; use cpu, cuda or cuda:N.");
        }
    }

    public Device ResolveDevice()
    {
        var device = new Device(Device);
        if (device.type == DeviceType.CUDA && !cuda.is_available())
            throw new ArgumentException($"--device {Device}: CUDA is not available here (this build references the CPU libtorch). Use --device cpu.");
        return device;
    }
}
