namespace SharpCam.Cam;

/// <summary>
/// Puts a CAM method in the registry (<see cref="CamMethods"/>) under <paramref name="name"/>: the only thing a new
/// method adds besides its class. Whether it uses target layers is read from its constructor (a
/// <c>IReadOnlyList&lt;string&gt;</c> parameter); <see cref="Order"/> places it in listings (unordered methods come
/// last, by name).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CamRegistrationAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public int Order { get; init; } = int.MaxValue;
}
