using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Harmonia.Evaluation.Sheets;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Evaluation.Sheets;

/// <summary>The contact sheet's layout, cells and determinism, and list files of composite/mask pairs.</summary>
public sealed class ContactSheetTests
{
    /// <summary>Sets the foreground to pure blue: easy to find in a cell.</summary>
    sealed class PaintBlue : IHarmonizer
    {
        public Harmonia.Core.Rendering.IForegroundMap Fit(RgbImage composite, Mask mask)
        {
            var blue = new byte[768];
            for (int v = 0; v < 256; v++) blue[512 + v] = 255;
            return new Harmonia.Core.Rendering.ColorTransformMap(new Harmonia.Core.Rendering.ChannelLut(blue));
        }
    }

    static IReadOnlyList<CompositePair> WritePairs(TempFolder temp)
    {
        // 80x60 (landscape) and 30x60 (portrait) composites with ellipse masks.
        var pairs = new List<CompositePair>();
        foreach (var (name, w, h) in new[] { ("wide", 80, 60), ("tall", 30, 60) })
        {
            ImageCodec.Write(TestImages.Gradient(w, h, seed: w), temp.File(name + ".png"));
            ImageCodec.WriteMask(TestImages.Ellipse(w, h), temp.File(name + "_mask.png"));
            pairs.Add(new CompositePair(name, temp.File(name + ".png"), temp.File(name + "_mask.png")));
        }
        return pairs;
    }

    [Fact]
    public void Layout_cells_and_determinism()
    {
        using var temp = new TempFolder();
        var pairs = WritePairs(temp);
        var columns = new[] { new SheetColumn("blue", new PaintBlue()) };
        var options = new ContactSheetOptions(CellHeight: 40);
        var sheet = ContactSheet.Render(pairs, columns, options);
        // Cells: wide 80x60 → 53x40 (round(40·4/3)), tall → 20x40; slots are 53 wide.
        Assert.Equal((53, 40), ContactSheet.CellSize(80, 60, 40));
        Assert.Equal((20, 40), ContactSheet.CellSize(30, 60, 40));
        // Width: 2·8 margin + 3 slots·53 + 2 gaps·6 = 187; height: 8 + 30 header + 2 rows·(24 + 40 + 6) + 8 = 186.
        Assert.Equal(187, sheet.Width);
        Assert.Equal(186, sheet.Height);

        // Row 1, column 1 (composite): the bicubic thumbnail at x = 8, y = 8 + 30 + 24 = 62.
        var thumb = Resize.Rgb(ImageCodec.Read(pairs[0].CompositePath), 53, 40, ResizeFilter.Bicubic);
        for (int y = 0; y < 40; y += 7)
            for (int x = 0; x < 53; x += 5)
                Assert.Equal(thumb.Pixels.AsSpan(3 * (y * 53 + x), 3).ToArray(), sheet.Pixels.AsSpan(3 * ((62 + y) * 187 + 8 + x), 3).ToArray());
        // Row 1, column 3 (the method): its centre is blue.
        int cx = 8 + 2 * (53 + 6) + 26, cy = 62 + 20;
        Assert.Equal(new byte[] { 0, 0, 255 }, sheet.Pixels.AsSpan(3 * (cy * 187 + cx), 3).ToArray());
        // Row 1, column 2 (outline): magenta boundary pixels exist; a background corner is dimmed to 40 %.
        int magenta = 0;
        for (int y = 62; y < 102; y++)
            for (int x = 8 + 59; x < 8 + 59 + 53; x++)
                if (sheet.Pixels[3 * (y * 187 + x)] == 255 && sheet.Pixels[3 * (y * 187 + x) + 1] == 0 && sheet.Pixels[3 * (y * 187 + x) + 2] == 255) magenta++;
        Assert.InRange(magenta, 40, 400);
        Assert.Equal(thumb.Pixels[0] * 2 / 5, sheet.Pixels[3 * (62 * 187 + 8 + 59)]);
        // Row 2 (tall, 20 wide) is centred in its 53-pixel slot: x = 8 + 16 = 24 is the first image column.
        int row2 = 62 + 70;
        var tall = Resize.Rgb(ImageCodec.Read(pairs[1].CompositePath), 20, 40, ResizeFilter.Bicubic);
        Assert.Equal(tall.Pixels.AsSpan(0, 3).ToArray(), sheet.Pixels.AsSpan(3 * (row2 * 187 + 24), 3).ToArray());

        // Same inputs, same bytes.
        Assert.True(sheet.ContentEquals(ContactSheet.Render(pairs, columns, options)));
    }

    [Fact]
    public void Bad_inputs_are_clear_errors()
    {
        using var temp = new TempFolder();
        var pairs = WritePairs(temp);
        var wrong = new CompositePair("mismatch", pairs[0].CompositePath, pairs[1].MaskPath);
        var e = Assert.Throws<HarmoniaException>(() => ContactSheet.Render([wrong], [], new ContactSheetOptions()));
        Assert.Contains("is 30x60 but composite", e.Message);
        Assert.Throws<UsageException>(() => ContactSheet.Render(pairs, [], new ContactSheetOptions(CellHeight: 8)));
        Assert.Throws<UsageException>(() => ContactSheet.Render(Enumerable.Repeat(pairs[0], 101).ToList(), [], new ContactSheetOptions()));
    }

    [Fact]
    public void List_files_resolve_relative_paths_and_skip_comments()
    {
        using var temp = new TempFolder();
        WritePairs(temp);
        var list = temp.File("list.txt");
        File.WriteAllText(list, "# a comment\n\nwide.png wide_mask.png\ntall.png\ttall_mask.png\n");
        var pairs = CompositePairs.FromList(list);
        Assert.Equal(["wide.png", "tall.png"], pairs.Select(p => p.Name));
        Assert.Equal(temp.File("tall_mask.png"), pairs[1].MaskPath);

        Assert.All(pairs, p => Assert.Null(p.RealPath));
        File.WriteAllText(list, "wide.png wide_mask.png tall.png\n");
        Assert.Equal(temp.File("tall.png"), Assert.Single(CompositePairs.FromList(list)).RealPath);

        File.WriteAllText(list, "wide.png\n");
        Assert.Contains("line 1: expected 'COMPOSITE MASK [REAL]'", Assert.Throws<HarmoniaException>(() => CompositePairs.FromList(list)).Message);
        File.WriteAllText(list, "wide.png wide_mask.png a b\n");
        Assert.Contains("got 4 field(s)", Assert.Throws<HarmoniaException>(() => CompositePairs.FromList(list)).Message);
        File.WriteAllText(list, "wide.png wide_mask.png missing_real.png\n");
        Assert.Contains("missing_real.png' not found", Assert.Throws<HarmoniaException>(() => CompositePairs.FromList(list)).Message);
        File.WriteAllText(list, "wide.png missing_mask.png\n");
        Assert.Contains("not found", Assert.Throws<HarmoniaException>(() => CompositePairs.FromList(list)).Message);
        // --root: paths start there instead of the list's folder.
        var sub = Directory.CreateDirectory(temp.File("sub")).FullName;
        File.WriteAllText(Path.Combine(sub, "l.txt"), "wide.png wide_mask.png\n");
        Assert.Single(CompositePairs.FromList(Path.Combine(sub, "l.txt"), temp.Path));
    }

    [Fact]
    public void Folder_pairs_follow_the_harmonize_naming()
    {
        using var temp = new TempFolder();
        WritePairs(temp);
        File.Copy(temp.File("wide.png"), temp.File("x_composite.png"));
        File.Copy(temp.File("wide_mask.png"), temp.File("x_mask.png"));
        File.Copy(temp.File("wide.png"), temp.File("lonely.png"));
        File.Copy(temp.File("wide.png"), temp.File("x_real.png"));
        File.Copy(temp.File("wide.png"), temp.File("lonely_real.png"));
        var warnings = new List<string>();
        var pairs = CompositePairs.InFolder(temp.Path, warnings);
        Assert.Equal(["tall", "wide", "x"], pairs.Select(p => p.Name));
        // x_real.png is x's ground truth (not a composite without a mask); lonely_real.png belongs to no pair.
        Assert.Equal([null, null, temp.File("x_real.png")], pairs.Select(p => p.RealPath));
        Assert.Contains(warnings, w => w.Contains("lonely_real.png"));
        Assert.DoesNotContain(warnings, w => w.Contains("x_real.png"));
    }

    [Fact]
    public void Ground_truth_column_shows_the_real_or_an_empty_cell()
    {
        using var temp = new TempFolder();
        var pairs = WritePairs(temp);
        var real = TestImages.Gradient(80, 60, seed: 99);
        ImageCodec.Write(real, temp.File("wide_real.png"));
        var withReal = new List<CompositePair> { pairs[0] with { RealPath = temp.File("wide_real.png") }, pairs[1] };
        var options = new ContactSheetOptions(CellHeight: 40, GroundTruth: true);
        var sheet = ContactSheet.Render(withReal, [new SheetColumn("blue", new PaintBlue())], options);
        Assert.Equal(["composite", "mask outline", "blue", "real"], ContactSheet.ColumnLabels([new SheetColumn("blue", new PaintBlue())], options));
        // Four 53-pixel slots: 2·8 + 4·53 + 3·6 = 246 wide; the real column starts at x = 8 + 3·59 = 185.
        Assert.Equal(246, sheet.Width);
        var thumb = Resize.Rgb(real, 53, 40, ResizeFilter.Bicubic);
        for (int y = 0; y < 40; y += 7)
            for (int x = 0; x < 53; x += 5)
                Assert.Equal(thumb.Pixels.AsSpan(3 * (y * 53 + x), 3).ToArray(), sheet.Pixels.AsSpan(3 * ((62 + y) * 246 + 185 + x), 3).ToArray());
        // Row 2 (tall) has no ground truth: its real cell is the sheet's background colour.
        Assert.Equal(new byte[] { 28, 28, 30 }, sheet.Pixels.AsSpan(3 * ((132 + 20) * 246 + 185 + 26), 3).ToArray());

        // A ground truth of another size is an error naming the pair.
        var wrongSize = pairs[1] with { RealPath = temp.File("wide_real.png") };
        Assert.Contains("tall: ground truth", Assert.Throws<HarmoniaException>(() => ContactSheet.Render([wrongSize], [], options)).Message);
    }
}
