namespace Harmonia.Core.Methods;

/// <summary>
/// The spelling of enum choices in settings, weights metadata and on the command line: the member name in lower case
/// (<c>S2CRNetBackbone.ResNet18</c> ↔ "resnet18"). One definition, so a choice is written and read the same way everywhere.
/// </summary>
public static class EnumNames
{
    /// <summary>The lower-case name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Parses a lower- or mixed-case member name (numbers are not accepted).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (string.Equals(Of(v), text?.Trim(), StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        value = default;
        return false;
    }

    /// <summary>"a, b or c": the choices for messages.</summary>
    public static string Choices<T>() where T : struct, Enum
    {
        var names = Enum.GetValues<T>().Select(Of).ToList();
        return names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
    }
}
