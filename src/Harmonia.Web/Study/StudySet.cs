using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;

namespace Harmonia.Web.Study;

/// <summary>One study item: a composite and each method's precomputed output, as image bytes held in memory.</summary>
public sealed record StudyItem(string Name, byte[] Composite, IReadOnlyDictionary<string, byte[]> Outputs);

/// <summary>
/// A study set as <c>harmonia study prepare</c> writes it: <c>DIR/items/NAME/composite.jpg</c> and one
/// <c>METHOD.jpg</c> per method (a <c>mask.png</c> beside them is kept for reference and not shown). Loaded once at
/// start; requests name items and methods, which are looked up here, never used as paths.
/// </summary>
public sealed class StudySet
{
    /// <summary>Items in name order; each has at least two method outputs.</summary>
    public IReadOnlyList<StudyItem> Items { get; }

    /// <summary>Every method that appears in the set, sorted.</summary>
    public IReadOnlyList<string> Methods { get; }

    StudySet(IReadOnlyList<StudyItem> items)
    {
        Items = items;
        Methods = items.SelectMany(i => i.Outputs.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads <paramref name="directory"/>; a user-facing error when it holds no usable item.</summary>
    public static StudySet Open(string directory)
    {
        var itemsDir = Path.Combine(directory, "items");
        if (!Directory.Exists(itemsDir))
            throw new HarmoniaException($"'{directory}' is not a study set (no items/ folder); make one with 'harmonia study prepare'.");
        var items = new List<StudyItem>();
        foreach (var dir in Directory.GetDirectories(itemsDir).Order(StringComparer.Ordinal))
        {
            var files = Directory.GetFiles(dir).Where(f => ImageCodec.ReadableExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
            var composite = files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == "composite");
            var outputs = files.Where(f => Path.GetFileNameWithoutExtension(f) is not ("composite" or "mask"))
                .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllBytes, StringComparer.Ordinal);
            if (composite is null || outputs.Count < 2) continue;
            items.Add(new StudyItem(Path.GetFileName(dir), File.ReadAllBytes(composite), outputs));
        }
        if (items.Count == 0) throw new HarmoniaException($"The study set '{directory}' has no item with a composite and two method outputs.");
        return new StudySet(items);
    }

    /// <summary>The item named <paramref name="name"/>, or null.</summary>
    public StudyItem? Find(string name) => Items.FirstOrDefault(i => i.Name == name);
}
