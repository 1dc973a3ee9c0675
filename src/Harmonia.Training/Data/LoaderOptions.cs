namespace Harmonia.Training.Data;

/// <summary>How a sample is brought to the training size.</summary>
public enum LoaderGeometry
{
    /// <summary>
    /// Resize (bilinear, antialiased) so the short side is <c>Size · s</c> with s drawn in [1, <see cref="LoaderOptions.MaxScale"/>]
    /// (s = 1 for a fixed pipeline), then crop <c>Size x Size</c>: a foreground-preserving random crop when augmenting,
    /// the centre crop otherwise. Keeps the aspect ratio.
    /// </summary>
    ShortSideCrop,

    /// <summary>Plain resize to <c>Size x Size</c> (aspect ratio not kept), as the iHarmony4 baselines do.</summary>
    Resize,

    /// <summary>
    /// As the pixel networks see an image at inference (<c>WorkingImage</c>, the same code): the long side resized to
    /// <c>Size</c> (bilinear, aspect kept, never upsampled), the mask binarized there, then edge-replicated padding to
    /// <c>Size x Size</c> with mask 0. No crop, no zoom; the random flip mirrors the image before the padding.
    /// </summary>
    LongSideFit,
}

/// <summary>
/// Immutable loader settings. Training default: short-side resize to 256, foreground-preserving random crop,
/// random horizontal flip, shuffled, last partial batch dropped. See <see cref="Validation"/> for the fixed pipeline.
/// </summary>
public sealed record LoaderOptions
{
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Output side length in pixels (square crops).</summary>
    public int Size { get; init; } = 256;

    /// <summary>Geometry: short-side resize + crop, plain resize, or the inference layout (long-side fit + padding).</summary>
    public LoaderGeometry Geometry { get; init; } = LoaderGeometry.ShortSideCrop;

    /// <summary>Random crop position, random scale and random horizontal flip. False = fixed (centre) pipeline.</summary>
    public bool Augment { get; init; } = true;

    /// <summary>Largest random zoom factor for <see cref="LoaderGeometry.ShortSideCrop"/> when augmenting (1 = none).</summary>
    public double MaxScale { get; init; } = 1.0;

    /// <summary>
    /// Scene-look augmentation when augmenting (null = off): the whole sample, composite and real alike, re-toned by one
    /// random global white balance and exposure. See <see cref="SceneLookOptions"/>.
    /// </summary>
    public SceneLookOptions? SceneLook { get; init; }

    /// <summary>Probability of a horizontal flip when augmenting.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>
    /// A random crop is accepted when it keeps at least this fraction of the (resized) foreground; otherwise up to
    /// <see cref="CropAttempts"/> positions are tried and the one keeping the most foreground wins.
    /// </summary>
    public double MinForegroundKept { get; init; } = 0.5;

    /// <summary>Random crop positions tried per sample.</summary>
    public int CropAttempts { get; init; } = 10;

    /// <summary>Shuffle the sample order each epoch (seeded by (seed, epoch)).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop the last incomplete batch (keeps batch statistics stable).</summary>
    public bool DropLast { get; init; } = true;

    /// <summary>Mask binarization threshold on the resized soft mask.</summary>
    public float MaskThreshold { get; init; } = 0.5f;

    /// <summary>Seed: order and augmentation depend only on (seed, epoch, position), never on thread timing.</summary>
    public int Seed { get; init; }

    /// <summary>Batches decoded concurrently on background threads.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Batches kept ready ahead of the consumer (bounds memory: Prefetch · BatchSize samples).</summary>
    public int Prefetch { get; init; } = 3;

    /// <summary>Use only the first N samples of the list (null = all), e.g. for a quick validation subset.</summary>
    public int? Limit { get; init; }

    /// <summary>The fixed validation pipeline: no augmentation, no shuffle, keeps the last partial batch.</summary>
    public static LoaderOptions Validation(int size = 256, int batchSize = 8, LoaderGeometry geometry = LoaderGeometry.Resize) => new()
    {
        Size = size,
        BatchSize = batchSize,
        Geometry = geometry,
        Augment = false,
        Shuffle = false,
        DropLast = false,
    };

    /// <summary>Throws <see cref="ArgumentException"/> for values out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException("Batch size must be at least 1.");
        if (Size < 8) throw new ArgumentException("Size must be at least 8.");
        if (MaxScale < 1) throw new ArgumentException("MaxScale must be at least 1.");
        if (Workers < 1 || Prefetch < 1) throw new ArgumentException("Workers and Prefetch must be at least 1.");
        if (FlipProbability is < 0 or > 1) throw new ArgumentException("FlipProbability must be in [0, 1].");
        if (CropAttempts < 1) throw new ArgumentException("CropAttempts must be at least 1.");
        SceneLook?.Validate();
    }
}
