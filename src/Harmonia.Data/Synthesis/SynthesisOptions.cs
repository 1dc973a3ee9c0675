using Harmonia.Core.Errors;
using Harmonia.Data.Perturbations;

namespace Harmonia.Data.Synthesis;

/// <summary>How many variants of one family each photo gets.</summary>
public sealed record FamilyPlan(IPerturbationFamily Family, int Variants);

/// <summary>Settings of one <see cref="DatasetSynthesizer"/> run.</summary>
public sealed record SynthesisOptions
{
    /// <summary>Folder of real photos (the single-source form; see <see cref="Sources"/>).</summary>
    public string? PhotosDir { get; init; }
    /// <summary>Folder of masks, one per photo with the same file stem (white = foreground).</summary>
    public string? MasksDir { get; init; }
    /// <summary>
    /// Several photo sources built into one dataset (split per source, references across sources). When empty,
    /// <see cref="PhotosDir"/>/<see cref="MasksDir"/>/<see cref="LabelsCsv"/> form the only source.
    /// </summary>
    public IReadOnlyList<PhotoSource> Sources { get; init; } = [];
    /// <summary>
    /// Working size: photos whose short side is longer are downscaled (aspect kept, antialiased bicubic; masks
    /// antialiased bilinear) so their short side is this many pixels; smaller photos keep their native size and
    /// bytes. Null keeps every photo native (v1).
    /// </summary>
    public int? WorkingSize { get; init; }
    /// <summary>Output dataset root.</summary>
    public required string OutDir { get; init; }
    /// <summary>Families and variants per photo.</summary>
    public required IReadOnlyList<FamilyPlan> Families { get; init; }
    /// <summary>Seed of every random choice (split, parameters, references).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Fraction of photos held out for the test split, in [0, 1).</summary>
    public double TestFraction { get; init; } = 0.1;
    /// <summary>Optional CSV with file/object columns (Lalonde <c>index.csv</c>).</summary>
    public string? LabelsCsv { get; init; }
    /// <summary>Composite format: "png" (lossless, background bit-identical to the real photo) or "jpg".</summary>
    public string CompositeFormat { get; init; } = "png";
    /// <summary>JPEG quality when <see cref="CompositeFormat"/> is jpg.</summary>
    public int Quality { get; init; } = 95;
    /// <summary>Attempts per sample before it is dropped as unqualified.</summary>
    public int MaxAttempts { get; init; } = 10;
    /// <summary>Keep files already written (resume a stopped build).</summary>
    public bool Resume { get; init; }
    /// <summary>Photos processed at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>The command line recorded in the manifest.</summary>
    public string Command { get; init; } = "";

    /// <summary>The sources of the build: <see cref="Sources"/>, or the single-source form when that is empty.</summary>
    public IReadOnlyList<PhotoSource> EffectiveSources() =>
        Sources.Count > 0 ? Sources
        : PhotosDir is not null && MasksDir is not null ? [new PhotoSource(PhotosDir, MasksDir, LabelsCsv)]
        : throw new UsageException("Give --photos and --masks, or at least one --source.");

    /// <summary>The largest strength a family entry may ask for (beyond it most edits clip to black or white).</summary>
    public const double MaxStrength = 3;

    /// <summary>
    /// Parses "transfer:4,retouch:3@1.7,jitter,daylight" (name[:variants][@strength]; a bare name gets
    /// <paramref name="defaultVariants"/>; a strength scales the family's ranges, see
    /// <see cref="IPerturbationFamily.WithStrength"/>).
    /// </summary>
    public static IReadOnlyList<FamilyPlan> ParseFamilies(string spec, int defaultVariants)
    {
        if (defaultVariants < 1) throw new UsageException($"--variants must be at least 1, got {defaultVariants}.");
        var plans = new List<FamilyPlan>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.Split('@');
            var bits = at[0].Split(':');
            var family = PerturbationFamilies.Registry.Get(bits[0]);
            int n = defaultVariants;
            if (at.Length > 2 || bits.Length > 2 || (bits.Length == 2 && (!int.TryParse(bits[1], out n) || n < 1)))
                throw new UsageException($"Bad family entry '{part}': expected name[:variants][@strength] with variants ≥ 1.");
            if (at.Length == 2)
            {
                if (!double.TryParse(at[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var strength)
                    || !(strength > 0 && strength <= MaxStrength))
                    throw new UsageException($"Bad family entry '{part}': the strength after '@' must be a number in (0, {MaxStrength}].");
                family = family.WithStrength(strength)
                    ?? throw new UsageException($"Family '{family.Name}' has no strength setting ('@' applies to: {string.Join(", ", PerturbationFamilies.All.Where(f => f.WithStrength(2) is not null).Select(f => f.Name))}).");
            }
            if (plans.Any(p => p.Family.Name == family.Name)) throw new UsageException($"Family '{family.Name}' is listed twice.");
            plans.Add(new FamilyPlan(family, n));
        }
        if (plans.Count == 0) throw new UsageException("--families lists no family.");
        return plans;
    }
}
