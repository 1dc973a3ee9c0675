#:project ../src/Harmonia.Training/Harmonia.Training.csproj
// A re-toned copy of an iHarmony4-layout split: every photo's composites and its real image re-toned by one random
// scene look (the training augmentation's `SceneLook`, probability 1, its default ranges unless given), so the background's light
// is no longer neutral daylight and the right answer carries that light into the foreground. A robustness check for
// `harmonia eval` (does a method follow the background?), not a choosing split: its looks are drawn from the same
// ranges as `--scene-look`, so a network trained with that option has seen this distribution.
//
// usage: dotnet run scripts/retone-dataset.cs -- SOURCE OUT [SPLIT=test] [SEED=1] [SCOPE=whole] [EV=0.5] [TEMPERATURE=0.35] [TINT=0.15]
//   SCOPE whole re-tones composites entirely; scene (as `--scene-look-scope scene`) leaves each composite's foreground
//   (mask >= 0.5) as it was, so the right answer adds the scene's look to it.
//   EV, TEMPERATURE, TINT: the look's ranges (SceneLookOptions; defaults are the augmentation's). With SPLIT=train and a
//   wide EV the copy is training data whose scenes vary in exposure (`train s2crnet-cached --extra-data OUT`).
//   writes OUT/<Subset>/{composite_images,real_images} as PNG (lossless, so composite and real stay comparable),
//   OUT/<Subset>/masks as a symlink to the source's, and OUT/<Subset>/<Subset>_SPLIT.txt; the source is not changed.
using System.Globalization;
using Harmonia.Core.Color;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Core.Randomness;
using Harmonia.Training.Data;

const string usage = "usage: dotnet run scripts/retone-dataset.cs -- SOURCE OUT [SPLIT=test] [SEED=1] [SCOPE=whole|scene] [EV=0.5] [TEMPERATURE=0.35] [TINT=0.15]";
if (args.Length is < 2 or > 8 || (args.Length >= 5 && args[4] is not ("whole" or "scene")))
{
    Console.Error.WriteLine(usage);
    return 2;
}
bool sceneOnly = args.Length >= 5 && args[4] == "scene";
var defaults = new SceneLookOptions();
double?[] ranges = new double?[3];
for (int k = 5; k < args.Length; k++)
{
    if (!double.TryParse(args[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
    {
        Console.Error.WriteLine($"retone-dataset: '{args[k]}' is not a number; {usage}");
        return 2;
    }
    ranges[k - 5] = value;
}
var looks = new SceneLookOptions
{
    Probability = 1,
    Exposure = ranges[0] ?? defaults.Exposure,
    Temperature = ranges[1] ?? defaults.Temperature,
    Tint = ranges[2] ?? defaults.Tint,
};
try { looks.Validate(); }
catch (ArgumentException e) { Console.Error.WriteLine($"retone-dataset: {e.Message}"); return 2; }
string source = Path.GetFullPath(args[0]), output = Path.GetFullPath(args[1]);
string split = args.Length > 2 ? args[2] : "test";
int seed = args.Length > 3 && int.TryParse(args[3], out var s) ? s : 1;
if (!IHarmony4Layout.IsLayout(source)) { Console.Error.WriteLine($"retone-dataset: {source} is not an iHarmony4 layout"); return 2; }
if (Path.Exists(output)) { Console.Error.WriteLine($"retone-dataset: {output} exists; choose a new folder"); return 2; }

int composites = 0, photos = 0;
foreach (var subsetDir in IHarmony4Layout.SubsetFolders(source))
{
    string subset = Path.GetFileName(subsetDir), list = Path.Combine(subsetDir, $"{subset}_{split}.txt");
    if (!File.Exists(list)) continue;
    string outDir = Path.Combine(output, subset);
    Directory.CreateDirectory(Path.Combine(outDir, IHarmony4Layout.Composites));
    Directory.CreateDirectory(Path.Combine(outDir, IHarmony4Layout.Reals));
    File.CreateSymbolicLink(Path.Combine(outDir, IHarmony4Layout.Masks), Path.Combine(subsetDir, IHarmony4Layout.Masks));
    var names = new List<string>();
    foreach (var sample in IHarmony4Layout.Read(subsetDir, split))
    {
        string name = Path.GetFileNameWithoutExtension(sample.CompositePath);
        string photo = Path.GetFileNameWithoutExtension(sample.RealPath!);
        // One look per photo: all its composites share one real image.
        var look = looks.Draw(SeededRandom.FromKey(seed, photo))!.Value;
        var lut = new byte[3][];
        for (int c = 0; c < 3; c++) lut[c] = Enumerable.Range(0, 256).Select(v => Srgb.ToByte(look.Apply(v / 255f, c))).ToArray();
        var keep = sceneOnly ? ImageCodec.ReadMask(sample.MaskPath) : null;
        ImageCodec.Write(Retone(ImageCodec.Read(sample.CompositePath), lut, keep), Path.Combine(outDir, IHarmony4Layout.Composites, name + ".png"));
        string real = Path.Combine(outDir, IHarmony4Layout.Reals, photo + ".png");
        if (!File.Exists(real)) { ImageCodec.Write(Retone(ImageCodec.Read(sample.RealPath!), lut, null), real); photos++; }
        names.Add(name + ".png");
        composites++;
    }
    File.WriteAllLines(Path.Combine(outDir, $"{subset}_{split}.txt"), names);
}
Console.WriteLine($"Wrote {composites} composites of {photos} photos to {output}");
return 0;

// keep: pixels whose mask value is >= 0.5 stay as they are (null: re-tone every pixel).
static RgbImage Retone(RgbImage image, byte[][] lut, Mask? keep)
{
    if (keep is not null && (keep.Width != image.Width || keep.Height != image.Height))
        throw new InvalidDataException("mask and composite differ in size");
    var px = image.Pixels;
    for (int i = 0; i < px.Length; i++)
        if (keep is null || keep.Alpha[i / 3] < 0.5f) px[i] = lut[i % 3][px[i]];
    return image;
}
