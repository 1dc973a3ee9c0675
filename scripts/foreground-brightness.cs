#:project ../src/Harmonia.Core/Harmonia.Core.csproj
// What a training split teaches about a foreground's brightness: its composites grouped by the foreground's mean luma
// (Rec. 601, 0-255, pixels with mask >= 0.5), with the mean change to the real photo's foreground and the share of
// composites whose real foreground is darker / brighter by more than 3 levels. If bright composites usually have a
// darker target, a network learns "bright foreground: darken" (regression to the mean of the photos' brightness)
// whatever the background says — the prior that darkens iHarmony4's white-clad tennis player (docs/methods/s2crnet.md).
//
// usage: dotnet run scripts/foreground-brightness.cs -- ROOT [SPLIT=train]
//   ROOT: an iHarmony4-layout dataset with real images. Prints one table row per luma bucket; reads only.
using Harmonia.Core.Color;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: dotnet run scripts/foreground-brightness.cs -- ROOT [SPLIT=train]");
    return 2;
}
string root = Path.GetFullPath(args[0]), split = args.Length > 1 ? args[1] : "train";
if (!IHarmony4Layout.IsLayout(root)) { Console.Error.WriteLine($"foreground-brightness: {root} is not an iHarmony4 layout"); return 2; }

// The layout's own split rule (a subset without a list file counts all its composites as train and as test).
List<HarmonizationSample> samples;
try { samples = IHarmony4Layout.Read(root, split).Where(s => s.RealPath is not null).ToList(); }
catch (HarmoniaException e) { Console.Error.WriteLine($"foreground-brightness: {e.Message}"); return 2; }
if (samples.Count == 0) { Console.Error.WriteLine($"foreground-brightness: no '{split}' samples with a real image under {root}"); return 2; }

// (composite luma, real luma) of each sample's foreground; NaN when the mask is empty.
var lumas = new (double Composite, double Real)[samples.Count];
try
{
    Parallel.For(0, samples.Count, k =>
    {
        var s = samples[k];
        var composite = ImageCodec.Read(s.CompositePath).Pixels;
        var real = ImageCodec.Read(s.RealPath!).Pixels;
        var alpha = ImageCodec.ReadMask(s.MaskPath).Alpha;
        if (composite.Length != real.Length || alpha.Length * 3 != real.Length)
            throw new HarmoniaException($"{Path.GetFileName(s.CompositePath)}: composite, real image and mask differ in size");
        double lc = 0, lr = 0; int n = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] < 0.5f) continue;
            int j = 3 * i;
            lc += Srgb.Luma(composite[j], composite[j + 1], composite[j + 2]);
            lr += Srgb.Luma(real[j], real[j + 1], real[j + 2]);
            n++;
        }
        lumas[k] = n == 0 ? (double.NaN, double.NaN) : (lc / n, lr / n);
    });
}
catch (AggregateException e) when (e.InnerException is HarmoniaException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"foreground-brightness: {e.InnerException!.Message}");
    return 2;
}

Console.WriteLine($"{samples.Count} '{split}' composites of {root}");
Console.WriteLine("| composite fg luma | composites | mean real - composite | real darker (< -3) | real brighter (> +3) |");
Console.WriteLine("|---|---|---|---|---|");
double[] edges = [0, 100, 150, 180, 200, 215, 230, 256];
for (int b = 0; b + 1 < edges.Length; b++)
{
    var inBucket = lumas.Where(l => l.Composite >= edges[b] && l.Composite < edges[b + 1]).ToList();
    if (inBucket.Count == 0) continue;
    var change = inBucket.Select(l => l.Real - l.Composite).ToList();
    Console.WriteLine($"| {edges[b]:0}–{edges[b + 1]:0} | {inBucket.Count} | {change.Average():+0.0;-0.0} | " +
        $"{change.Count(d => d < -3) / (double)change.Count:0.00} | {change.Count(d => d > 3) / (double)change.Count:0.00} |");
}
var scored = lumas.Where(l => !double.IsNaN(l.Real)).ToList();
Console.WriteLine($"real foreground luma above 200: {scored.Count(l => l.Real > 200) / (double)scored.Count:P1} of {scored.Count} composites");
return 0;
