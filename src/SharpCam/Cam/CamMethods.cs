using System.Reflection;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>One method of the registry: its name, a one-line description and whether it uses the target layers.</summary>
public sealed record CamMethodInfo(string Name, string Description, bool UsesTargetLayers);

/// <summary>
/// Every CAM method by its registry name (the CLI's --method values): the classes of this assembly marked with
/// <see cref="CamRegistrationAttribute"/>, which give their names, descriptions and constructors.
/// </summary>
public static class CamMethods
{
    /// <summary>The method a run uses when none is named.</summary>
    public const string DefaultMethod = "gradcam";

    private sealed record Entry(CamMethodInfo Info, ConstructorInfo Constructor);

    private static readonly Entry[] Registry = typeof(CamMethod).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(CamMethod)) && !t.IsAbstract && t.GetCustomAttribute<CamRegistrationAttribute>() is not null)
        .Select(t => (Type: t, Registration: t.GetCustomAttribute<CamRegistrationAttribute>()!))
        .OrderBy(r => r.Registration.Order).ThenBy(r => r.Registration.Name, StringComparer.Ordinal)
        .Select(r => EntryOf(r.Type, r.Registration))
        .ToArray();

    /// <summary>Every method, in registry order.</summary>
    public static IReadOnlyList<CamMethodInfo> All { get; } = Registry.Select(r => r.Info).ToList();

    /// <summary>The method called <paramref name="name"/> (case-insensitive); unknown names fail with the list of names.</summary>
    public static CamMethodInfo Find(string name) => Registry[IndexOf(name)].Info;

    /// <summary>
    /// Creates the method called <paramref name="name"/> on <paramref name="model"/>. Methods that ignore target layers
    /// (<see cref="CamMethodInfo.UsesTargetLayers"/> false) accept any list, as pytorch-grad-cam does; null gives a
    /// layer-using method the model's default layer.
    /// </summary>
    public static CamMethod Create(string name, Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers, CamOptions? options = null)
    {
        var entry = Registry[IndexOf(name)];
        object?[] arguments = entry.Info.UsesTargetLayers ? [model, targetLayers, options] : [model, options];
        try { return (CamMethod)entry.Constructor.Invoke(arguments); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The registration of a method class, or null for a class outside the registry.</summary>
    internal static CamRegistrationAttribute? RegistrationOf(Type type) => type.GetCustomAttribute<CamRegistrationAttribute>(inherit: false);

    /// <summary>A registered class must be constructible as (model, [layers,] options).</summary>
    private static Entry EntryOf(Type type, CamRegistrationAttribute registration)
    {
        var withLayers = type.GetConstructor([typeof(Module<Tensor, Tensor>), typeof(IReadOnlyList<string>), typeof(CamOptions)]);
        var withoutLayers = type.GetConstructor([typeof(Module<Tensor, Tensor>), typeof(CamOptions)]);
        var constructor = withLayers ?? withoutLayers ?? throw new InvalidOperationException(
            $"{type.Name} is registered as '{registration.Name}' but has no public constructor (model, [target layers,] options).");
        return new Entry(new CamMethodInfo(registration.Name, registration.Description, withLayers is not null), constructor);
    }

    private static int IndexOf(string name)
    {
        var index = Array.FindIndex(Registry, r => string.Equals(r.Info.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new UnknownCamMethodException(name ?? "", All.Select(m => m.Name).ToList());
    }
}

/// <summary>A method name that the registry does not have; the message lists the names it has.</summary>
public sealed class UnknownCamMethodException(string name, IReadOnlyList<string> available)
    : ArgumentException($"Unknown CAM method '{name}'. Methods: {string.Join(", ", available)}.")
{
    public string MethodName { get; } = name;
    public IReadOnlyList<string> Available { get; } = available;
}
