using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using SkiaSharp;

namespace Harmonia.Evaluation.Sheets;

/// <summary>One method column of a contact sheet.</summary>
/// <param name="Label">The column header, e.g. <c>s2crnet</c> or <c>s2crnet:old.safetensors</c>.</param>
/// <param name="Method">The method; called by one thread, one row at a time.</param>
public sealed record SheetColumn(string Label, IHarmonizer Method);

/// <summary>Layout of a contact sheet.</summary>
/// <param name="CellHeight">Height of every image cell in pixels (16-2048); widths follow each row's aspect ratio.</param>
/// <param name="MaskThreshold">Binary mask threshold for the methods and the outline, in (0, 1].</param>
/// <param name="GroundTruth">
/// Adds a last column, <see cref="ContactSheet.GroundTruthColumn"/>, with each pair's <see cref="CompositePair.RealPath"/>
/// (an empty cell where none is known).
/// </param>
public sealed record ContactSheetOptions(int CellHeight = 256, float MaskThreshold = Mask.DefaultThreshold, bool GroundTruth = false)
{
    /// <summary>A cell is at most this many times as wide as it is high (panoramas are shrunk to fit).</summary>
    public const double MaxAspect = 2.0;

    /// <summary>Most rows a sheet holds (it keeps every cell in memory until it is drawn).</summary>
    public const int MaxRows = 100;
}

/// <summary>
/// A side-by-side picture of methods on composites: one row per composite (its name above the row), columns
/// composite | mask outline | one per method (headers on top), every cell scaled to the same height. The outline
/// cell dims the background and draws the mask's boundary. Deterministic for deterministic methods: same inputs, same
/// bytes. Labels use DejaVu Sans when installed (Debian <c>fonts-dejavu-core</c>), else the system's default font.
/// </summary>
public static class ContactSheet
{
    const int Gap = 6, HeaderHeight = 30, RowLabelHeight = 24, Margin = 8;
    const float HeaderTextSize = 17, RowTextSize = 15;
    static readonly SKColor Background = new(28, 28, 30), TextColor = new(235, 235, 235), OutlineColor = new(255, 0, 255);

    /// <summary>The two columns every sheet starts with.</summary>
    public static readonly IReadOnlyList<string> FixedColumns = ["composite", "mask outline"];

    /// <summary>Header of the ground-truth column (<see cref="ContactSheetOptions.GroundTruth"/>).</summary>
    public const string GroundTruthColumn = "real";

    /// <summary>Every column header of a sheet with these method columns and options, in order.</summary>
    public static IReadOnlyList<string> ColumnLabels(IReadOnlyList<SheetColumn> columns, ContactSheetOptions options) =>
        FixedColumns.Concat(columns.Select(c => c.Label)).Concat(options.GroundTruth ? [GroundTruthColumn] : []).ToList();

    /// <summary>
    /// Harmonizes every pair with every column's method and draws the sheet. Throws <see cref="HarmoniaException"/>
    /// for unreadable or mismatched inputs (naming the pair) and for more than <see cref="ContactSheetOptions.MaxRows"/> rows.
    /// </summary>
    /// <param name="pairs">The rows, in order.</param>
    /// <param name="columns">The method columns, in order (may be empty: composite and outline only).</param>
    /// <param name="options">Cell height and mask threshold.</param>
    /// <param name="progress">Called after each row with (rows done, rows total, row name).</param>
    /// <param name="warn">Receives a note per pair that a method left unchanged (empty mask) and when no font is found.</param>
    /// <returns>The sheet as an RGB image.</returns>
    public static RgbImage Render(IReadOnlyList<CompositePair> pairs, IReadOnlyList<SheetColumn> columns, ContactSheetOptions options,
        Action<int, int, string>? progress = null, Action<string>? warn = null)
    {
        if (pairs.Count == 0) throw new HarmoniaException("No composite/mask pairs for the sheet.");
        if (pairs.Count > ContactSheetOptions.MaxRows)
            throw new UsageException($"A sheet holds at most {ContactSheetOptions.MaxRows} rows, got {pairs.Count}: split the list.");
        if (options.CellHeight is < 16 or > 2048) throw new UsageException($"Cell height must be 16-2048 pixels, got {options.CellHeight}.");
        var rows = new List<RgbImage[]>();
        for (int r = 0; r < pairs.Count; r++)
        {
            rows.Add(RenderRow(pairs[r], columns, options, warn));
            progress?.Invoke(r + 1, pairs.Count, pairs[r].Name);
        }
        return Draw(pairs.Select(p => p.Name).ToList(), ColumnLabels(columns, options), rows, options.CellHeight, warn);
    }

    /// <summary>Size of a cell for a W x H image: height <paramref name="cellHeight"/>, width by aspect, capped at <see cref="ContactSheetOptions.MaxAspect"/>.</summary>
    public static (int Width, int Height) CellSize(int width, int height, int cellHeight)
    {
        double aspect = (double)width / height;
        return aspect <= ContactSheetOptions.MaxAspect
            ? (Math.Max(1, (int)Math.Round(cellHeight * aspect)), cellHeight)
            : ((int)Math.Round(cellHeight * ContactSheetOptions.MaxAspect), Math.Max(1, (int)Math.Round(cellHeight * ContactSheetOptions.MaxAspect / aspect)));
    }

    static RgbImage[] RenderRow(CompositePair pair, IReadOnlyList<SheetColumn> columns, ContactSheetOptions options, Action<string>? warn)
    {
        var (composite, mask) = FileHarmonizer.Load(pair.CompositePath, pair.MaskPath, options.MaskThreshold);
        var (w, h) = CellSize(composite.Width, composite.Height, options.CellHeight);
        var cells = new RgbImage[FixedColumns.Count + columns.Count + (options.GroundTruth ? 1 : 0)];
        cells[0] = Resize.Rgb(composite, w, h, ResizeFilter.Bicubic);
        cells[1] = Outline(cells[0], Resize.Mask(mask, w, h, ResizeFilter.Bilinear));
        for (int c = 0; c < columns.Count; c++)
        {
            RgbImage result;
            string? warning;
            try
            {
                (result, warning) = FileHarmonizer.Harmonize(columns[c].Method, composite, mask);
            }
            catch (HarmoniaException e) when (e is not UsageException)
            {
                throw new HarmoniaException($"{pair.Name}: {columns[c].Label}: {e.Message}");
            }
            if (warning is not null) warn?.Invoke($"{pair.Name}: {columns[c].Label}: {warning}");
            cells[FixedColumns.Count + c] = Resize.Rgb(result, w, h, ResizeFilter.Bicubic);
        }
        if (options.GroundTruth) cells[^1] = GroundTruthCell(pair, composite, w, h);
        return cells;
    }

    /// <summary>The pair's ground truth as a cell, or a cell of the sheet's background where none is known.</summary>
    static RgbImage GroundTruthCell(CompositePair pair, RgbImage composite, int w, int h)
    {
        if (pair.RealPath is null)
        {
            var empty = new RgbImage(w, h);
            for (int i = 0; i < empty.Pixels.Length; i += 3)
                (empty.Pixels[i], empty.Pixels[i + 1], empty.Pixels[i + 2]) = (Background.Red, Background.Green, Background.Blue);
            return empty;
        }
        RgbImage real;
        try
        {
            real = ImageCodec.Read(pair.RealPath);
        }
        catch (HarmoniaException e)
        {
            throw new HarmoniaException($"{pair.Name}: ground truth: {e.Message}");
        }
        if (real.Width != composite.Width || real.Height != composite.Height)
            throw new HarmoniaException($"{pair.Name}: ground truth '{pair.RealPath}' is {real.Width}x{real.Height}, the composite {composite.Width}x{composite.Height}.");
        return Resize.Rgb(real, w, h, ResizeFilter.Bicubic);
    }

    /// <summary>The thumbnail with the background dimmed to 40 % and the binary mask's boundary in magenta (2 px: both sides).</summary>
    static RgbImage Outline(RgbImage thumbnail, Mask mask)
    {
        int w = thumbnail.Width, h = thumbnail.Height;
        var result = thumbnail.Clone();
        var px = result.Pixels;
        bool Fg(int x, int y) => mask.IsForeground(Math.Clamp(y, 0, h - 1) * w + Math.Clamp(x, 0, w - 1));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool fg = Fg(x, y);
                int o = 3 * (y * w + x);
                if (fg != Fg(x - 1, y) || fg != Fg(x + 1, y) || fg != Fg(x, y - 1) || fg != Fg(x, y + 1))
                {
                    px[o] = OutlineColor.Red;
                    px[o + 1] = OutlineColor.Green;
                    px[o + 2] = OutlineColor.Blue;
                }
                else if (!fg)
                {
                    for (int c = o; c < o + 3; c++) px[c] = (byte)(px[c] * 2 / 5);
                }
            }
        return result;
    }

    static RgbImage Draw(IReadOnlyList<string> rowNames, IReadOnlyList<string> columnLabels, IReadOnlyList<RgbImage[]> rows, int cellHeight, Action<string>? warn)
    {
        // Every column is as wide as the widest row's cells, so columns line up; cells are centred in their slot.
        int slotWidth = rows.Max(r => r[0].Width);
        int columns = columnLabels.Count;
        int width = 2 * Margin + columns * slotWidth + (columns - 1) * Gap;
        int rowHeight = RowLabelHeight + cellHeight + Gap;
        int height = Margin + HeaderHeight + rows.Count * rowHeight + Margin;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Background);
        }
        var pixels = bitmap.GetPixelSpan();
        for (int r = 0; r < rows.Count; r++)
        {
            int top = Margin + HeaderHeight + r * rowHeight + RowLabelHeight;
            for (int c = 0; c < columns; c++)
            {
                var cell = rows[r][c];
                int left = Margin + c * (slotWidth + Gap) + (slotWidth - cell.Width) / 2;
                int dy = (cellHeight - cell.Height) / 2;
                for (int y = 0; y < cell.Height; y++)
                {
                    var src = cell.Row(y);
                    var dst = pixels.Slice(4 * ((top + dy + y) * width + left), 4 * cell.Width);
                    for (int x = 0; x < cell.Width; x++)
                    {
                        dst[4 * x] = src[3 * x];
                        dst[4 * x + 1] = src[3 * x + 1];
                        dst[4 * x + 2] = src[3 * x + 2];
                        dst[4 * x + 3] = 255;
                    }
                }
            }
        }
        {
            var typeface = LabelTypeface();
            if (typeface is null)
            {
                warn?.Invoke("no font found: the sheet has no labels (install fonts-dejavu-core)");
            }
            else
            {
                using var canvas = new SKCanvas(bitmap);
                using var paint = new SKPaint { Color = TextColor, IsAntialias = true };
                using var headerFont = new SKFont(typeface, HeaderTextSize) { Edging = SKFontEdging.Antialias, Subpixel = false };
                using var rowFont = new SKFont(typeface, RowTextSize) { Edging = SKFontEdging.Antialias, Subpixel = false };
                for (int c = 0; c < columns; c++)
                {
                    var text = Fit(columnLabels[c], headerFont, slotWidth);
                    float textWidth = headerFont.MeasureText(text);
                    float x = Margin + c * (slotWidth + Gap) + (slotWidth - textWidth) / 2;
                    canvas.DrawText(text, x, Margin + HeaderHeight - 9, SKTextAlign.Left, headerFont, paint);
                }
                for (int r = 0; r < rows.Count; r++)
                {
                    var text = Fit($"{r + 1}. {rowNames[r]}", rowFont, width - 2 * Margin);
                    float baseline = Margin + HeaderHeight + r * rowHeight + RowLabelHeight - 7;
                    canvas.DrawText(text, Margin, baseline, SKTextAlign.Left, rowFont, paint);
                }
            }
        }
        var rgb = new byte[width * height * 3];
        var all = bitmap.GetPixelSpan();
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = all[j];
            rgb[i + 1] = all[j + 1];
            rgb[i + 2] = all[j + 2];
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>The text, shortened in the middle with "…" until it fits <paramref name="maxWidth"/> pixels.</summary>
    static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth) return text;
        for (int keep = text.Length - 1; keep > 2; keep--)
        {
            int head = keep / 2, tail = keep - head;
            var candidate = text[..head] + "…" + text[^tail..];
            if (font.MeasureText(candidate) <= maxWidth) return candidate;
        }
        return "…";
    }

    const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    // Loaded once per process and never disposed: the default typeface is shared by Skia.
    static readonly Lazy<SKTypeface?> Typeface = new(() =>
    {
        if (File.Exists(DejaVuSans) && SKTypeface.FromFile(DejaVuSans) is { } fromFile) return fromFile;
        var fallback = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        return fallback is { GlyphCount: > 0 } ? fallback : null;
    });

    /// <summary>
    /// DejaVu Sans when installed (fixed glyphs make the sheet reproducible across machines), else the default font;
    /// null when no font can draw text.
    /// </summary>
    static SKTypeface? LabelTypeface() => Typeface.Value;
}
