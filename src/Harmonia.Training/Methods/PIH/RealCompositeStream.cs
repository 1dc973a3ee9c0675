using System.Collections.Concurrent;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.PIH;

/// <summary>
/// PIH's unsupervised stream: real copy-paste composites without ground truth, as batches of square S x S images.
/// Half the samples (when both sources exist) are the Lalonde–Efros real composites (<c>composites/*.jpg</c> with
/// <c>composite-masks/&lt;stem&gt;.png</c>, squeezed to S²); the other half are made on the fly: a person from
/// ccp-persons (<c>photos/NNNN.jpg</c> + <c>masks/NNNN.png</c>, cut to its mask's bounding box) scaled to 45–85% of
/// the frame height and standing near the bottom edge at a random position, pasted onto a Lalonde–Efros photo
/// (<c>photos/*.jpg</c>, squeezed to S²) — an object pasted from one photo into another, as a user would.
/// Decoded images are kept (at most S² per background, S high per person), so later draws cost no decoding.
/// Masks are binary, as the batch contract asks. Thread-safe.
/// </summary>
public sealed class RealCompositeStream
{
    readonly int size;
    readonly List<(string Image, string Mask)> composites = [];
    readonly List<string> backgrounds = [];
    readonly List<(string Image, string Mask)> persons = [];
    readonly ConcurrentDictionary<string, (RgbImage Image, Mask Mask)> cache = new();

    /// <summary>Lists the files (none are decoded yet). Either root may be null; at least one source must have files.</summary>
    /// <param name="lalondeRoot">Folder with <c>composites/</c>, <c>composite-masks/</c> and <c>photos/</c> (Lalonde–Efros), or null.</param>
    /// <param name="personsRoot">Folder with <c>photos/</c> and <c>masks/</c> (ccp-persons), or null.</param>
    /// <param name="size">Side S of the square samples.</param>
    /// <param name="excluded">
    /// Source photos not to use as backgrounds or persons (e.g. the test split's, <see cref="TestSplitPhotos"/>): a photo
    /// is left out when a name in the set equals its file stem or ends with "_" + its stem (a dataset prefix such as <c>ccp_</c>).
    /// </param>
    public RealCompositeStream(string? lalondeRoot, string? personsRoot, int size, IReadOnlySet<string>? excluded = null)
    {
        this.size = size;
        var suffixes = excluded?.Select(e => e.LastIndexOf('_') is int i and > 0 ? e[(i + 1)..] : e).ToHashSet(StringComparer.Ordinal);
        bool Kept(string path)
        {
            if (excluded is null) return true;
            var stem = Path.GetFileNameWithoutExtension(path);
            return !excluded.Contains(stem) && !suffixes!.Contains(stem);
        }
        if (lalondeRoot is not null)
        {
            if (!Directory.Exists(lalondeRoot)) throw new UsageException($"pih: the real-composite folder '{lalondeRoot}' does not exist.");
            composites.AddRange(Pairs(Path.Combine(lalondeRoot, "composites"), Path.Combine(lalondeRoot, "composite-masks")));
            var photos = Path.Combine(lalondeRoot, "photos");
            if (Directory.Exists(photos)) backgrounds.AddRange(Directory.EnumerateFiles(photos, "*.jpg").Where(Kept).Order(StringComparer.Ordinal));
        }
        if (personsRoot is not null)
        {
            if (!Directory.Exists(personsRoot)) throw new UsageException($"pih: the persons folder '{personsRoot}' does not exist.");
            persons.AddRange(Pairs(Path.Combine(personsRoot, "photos"), Path.Combine(personsRoot, "masks")).Where(p => Kept(p.Item1)));
        }
        if (composites.Count == 0 && (persons.Count == 0 || backgrounds.Count == 0))
            throw new UsageException("pih: the unsupervised stream found no real composites and no persons + backgrounds to paste; check --real-composites and --persons, or pass --unsupervised-ratio 0.");
    }

    /// <summary>Real composites listed.</summary>
    public int CompositeCount => composites.Count;

    /// <summary>Persons listed (pasted onto <see cref="BackgroundCount"/> backgrounds).</summary>
    public int PersonCount => persons.Count;

    /// <summary>Backgrounds listed.</summary>
    public int BackgroundCount => backgrounds.Count;

    static IEnumerable<(string, string)> Pairs(string images, string masks)
    {
        if (!Directory.Exists(images) || !Directory.Exists(masks)) yield break;
        foreach (var image in Directory.EnumerateFiles(images).Order(StringComparer.Ordinal))
        {
            var mask = Path.Combine(masks, Path.GetFileNameWithoutExtension(image) + ".png");
            if (File.Exists(mask)) yield return (image, mask);
        }
    }

    /// <summary>
    /// <paramref name="count"/> samples drawn with <paramref name="random"/>: composite (N, 3, S, S) in [0, 1] and
    /// binary mask (N, 1, S, S). Samples whose mask is empty or full are drawn again.
    /// </summary>
    public (Tensor Composite, Tensor Mask) Next(int count, Random random)
    {
        int plane = size * size;
        var pixels = new float[count * 3 * plane];
        var alpha = new float[count * plane];
        for (int i = 0; i < count; i++)
        {
            RgbImage image;
            Mask mask;
            int fg;
            do
            {
                bool paste = persons.Count > 0 && backgrounds.Count > 0 && (composites.Count == 0 || random.NextDouble() < 0.5);
                (image, mask) = paste ? Paste(random) : Composite(composites[random.Next(composites.Count)]);
                fg = mask.ForegroundCount();
            }
            while (fg == 0 || fg == plane);
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < 3; c++) pixels[(i * 3 + c) * plane + p] = image.Pixels[3 * p + c] / 255f;
                alpha[i * plane + p] = mask.IsForeground(p) ? 1f : 0f;
            }
        }
        return (torch.tensor(pixels, new long[] { count, 3, size, size }), torch.tensor(alpha, new long[] { count, 1, size, size }));
    }

    (RgbImage, Mask) Composite((string Image, string Mask) files) => cache.GetOrAdd(files.Image, _ =>
    {
        var image = ImageCodec.Read(files.Image);
        var mask = ImageCodec.ReadMask(files.Mask);
        var full = (0, 0, image.Width, image.Height);
        return (Thumbnail.Rgb(image, full, size), Thumbnail.Mask(mask, full, size));
    });

    (RgbImage, Mask) Paste(Random random)
    {
        var background = cache.GetOrAdd(backgrounds[random.Next(backgrounds.Count)], path =>
        {
            var image = ImageCodec.Read(path);
            return (Thumbnail.Rgb(image, (0, 0, image.Width, image.Height), size), Mask.Filled(size, size, 0f));
        }).Image;
        var (person, personMask) = Person(persons[random.Next(persons.Count)]);
        double height = (0.45 + 0.4 * random.NextDouble()) * size;
        int ph = Math.Max(2, (int)Math.Round(height));
        int pw = Math.Clamp((int)Math.Round(person.Width * height / person.Height), 2, size);
        var scaled = Resize.Rgb(person, pw, ph);
        var scaledMask = Resize.Mask(personMask, pw, ph);
        int x0 = random.Next(size - pw + 1);
        int y0 = Math.Max(0, size - ph - random.Next(Math.Max(1, size / 10)));
        var image = background.Clone();
        var alpha = new float[size * size];
        for (int y = 0; y < ph && y0 + y < size; y++)
            for (int x = 0; x < pw; x++)
            {
                int s = y * pw + x, d = (y0 + y) * size + x0 + x;
                if (!scaledMask.IsForeground(s)) continue;
                alpha[d] = 1f;
                for (int c = 0; c < 3; c++) image.Pixels[3 * d + c] = scaled.Pixels[3 * s + c];
            }
        return (image, new Mask(size, size, alpha));
    }

    /// <summary>A person cut to its mask's bounding box, reduced to at most S pixels high (cached).</summary>
    (RgbImage, Mask) Person((string Image, string Mask) files) => cache.GetOrAdd(files.Image, _ =>
    {
        var image = ImageCodec.Read(files.Image);
        var mask = ImageCodec.ReadMask(files.Mask);
        var (bx, by, bw, bh) = mask.ForegroundBounds() ?? (0, 0, image.Width, image.Height);
        var crop = new RgbImage(bw, bh);
        var alpha = new float[bw * bh];
        for (int y = 0; y < bh; y++)
        {
            image.Pixels.AsSpan(((by + y) * image.Width + bx) * 3, bw * 3).CopyTo(crop.Pixels.AsSpan(y * bw * 3));
            mask.Alpha.AsSpan((by + y) * image.Width + bx, bw).CopyTo(alpha.AsSpan(y * bw));
        }
        var cut = new Mask(bw, bh, alpha);
        if (bh <= size) return (crop, cut);
        int w = Math.Max(1, (int)Math.Round((double)bw * size / bh));
        return (Resize.Rgb(crop, w, size), Resize.Mask(cut, w, size));
    });
}

/// <summary>The source photos of a synthetic dataset's test split, so no training stream uses them.</summary>
public static class TestSplitPhotos
{
    /// <summary>
    /// Stems of the source photos named in every <c>&lt;Subset&gt;/&lt;Subset&gt;_test.txt</c> under
    /// <paramref name="dataRoot"/>: a composite <c>ccp_0013_1_2.png</c> comes from photo <c>ccp_0013</c> (the name
    /// without its extension and its last two <c>_N</c> parts, as <c>harmonia dataset synth</c> names them).
    /// </summary>
    public static IReadOnlySet<string> Stems(string dataRoot)
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(dataRoot)) return stems;
        foreach (var list in Directory.EnumerateFiles(dataRoot, "*_test.txt", SearchOption.AllDirectories))
            foreach (var line in File.ReadLines(list))
            {
                var name = Path.GetFileNameWithoutExtension(line.Trim());
                var parts = name.Split('_');
                if (parts.Length > 2) stems.Add(string.Join('_', parts[..^2]));
            }
        return stems;
    }
}
