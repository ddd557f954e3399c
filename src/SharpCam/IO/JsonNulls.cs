using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace SharpCam.IO;

/// <summary>
/// What System.Text.Json leaves to the caller when reading SharpCam's own JSON files (manifests, journals): with
/// <see cref="JsonSerializerOptions.RespectNullableAnnotations"/> it refuses null in a non-nullable property, but not
/// in a list's elements, so <c>"items": [null]</c> would be accepted and fail later, far from the file.
/// </summary>
public static class JsonNulls
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Options for reading: <paramref name="options"/> that also refuse null in non-nullable properties.</summary>
    public static JsonSerializerOptions Reading(JsonSerializerOptions options) => new(options) { RespectNullableAnnotations = true };

    /// <summary>Throws <see cref="JsonException"/> naming the first null element of a list whose elements may not be null.</summary>
    public static void RefuseNullElements(object? value, string where)
    {
        if (value is null || value.GetType().Namespace?.StartsWith("SharpCam", StringComparison.Ordinal) != true) return;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsValueType) continue;
            var child = property.GetValue(value);
            var at = $"{where}.{property.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? property.Name}";
            if (child is IList list)
            {
                bool nullable = Nullability.Create(property).GenericTypeArguments is not [{ ReadState: NullabilityState.NotNull }];
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i] is null && !nullable) throw new JsonException($"{at}[{i}] is null");
                    RefuseNullElements(list[i], $"{at}[{i}]");
                }
            }
            else RefuseNullElements(child, at);
        }
    }
}
