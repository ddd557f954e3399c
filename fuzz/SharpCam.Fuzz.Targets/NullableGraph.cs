using System.Collections;
using System.Reflection;

namespace SharpCam.Fuzz;

/// <summary>
/// Finds a null that a deserialized object's types say cannot be there: a non-nullable reference property
/// (C# nullable annotations) or an element of a list of non-nullable references. System.Text.Json fills such
/// properties with null when the JSON says null, so a file that does is "accepted" and fails later, elsewhere.
/// </summary>
public static class NullableGraph
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static void Check(object? value, string where)
    {
        switch (value)
        {
            case null or string or ValueType:
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary) Check(entry.Value, $"{where}[{entry.Key}]");
                return;
            case IEnumerable items:
                int i = 0;
                foreach (var item in items) Check(item, $"{where}[{i++}]");
                return;
        }
        var type = value.GetType();
        if (type.Namespace?.StartsWith("SharpCam", StringComparison.Ordinal) != true) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsValueType) continue;
            var info = Nullability.Create(property);
            var child = property.GetValue(value);
            var at = $"{where}.{property.Name}";
            if (child is null)
            {
                if (info.ReadState == NullabilityState.NotNull) throw new FuzzFindingException($"accepted with {at} = null, which its type does not allow");
                continue;
            }
            if (child is IList list && info.GenericTypeArguments is [{ ReadState: NullabilityState.NotNull }] && !property.PropertyType.GetGenericArguments()[0].IsValueType)
                for (int k = 0; k < list.Count; k++)
                    if (list[k] is null) throw new FuzzFindingException($"accepted with {at}[{k}] = null, which its type does not allow");
            Check(child, at);
        }
    }
}
