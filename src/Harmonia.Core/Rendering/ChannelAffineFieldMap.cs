namespace Harmonia.Core.Rendering;

/// <summary>
/// A per-channel affine map <c>out_c = a_c(x, y) · in_c + b_c(x, y)</c> whose parameters are given at the centres
/// of a gridX x gridY grid and interpolated bilinearly in between (constant beyond the outer centres), rounded and
/// clamped to bytes. Down the rows the grid is interpolated once per image row, across only per pixel.
/// </summary>
public sealed class ChannelAffineFieldMap : IForegroundMap
{
    const int PerCell = 6;
    readonly int gridX, gridY;
    readonly float[] parameters;
    readonly float strength;

    /// <summary>Creates the field.</summary>
    /// <param name="gridX">Cells across.</param>
    /// <param name="gridY">Cells down.</param>
    /// <param name="parameters">Per cell (row-major) 6 floats: a_R, a_G, a_B, b_R, b_G, b_B (0-255 units); not copied.</param>
    public ChannelAffineFieldMap(int gridX, int gridY, float[] parameters) : this(gridX, gridY, parameters, 1f) { }

    ChannelAffineFieldMap(int gridX, int gridY, float[] parameters, float strength)
    {
        if (gridX < 1 || gridY < 1) throw new ArgumentOutOfRangeException(nameof(gridX), "The grid needs at least one cell.");
        if (parameters.Length != gridX * gridY * PerCell) throw new ArgumentException("Expected 6 parameters per cell.", nameof(parameters));
        this.gridX = gridX;
        this.gridY = gridY;
        this.parameters = parameters;
        this.strength = strength;
    }

    /// <summary>
    /// The field's rounded, clamped colours blended toward the source by <paramref name="strength"/>: the field toward
    /// zero change wherever its output is not clipped, and where it is, the clipped colour (as a blend of the rendered
    /// image would give).
    /// </summary>
    public IForegroundMap AtStrength(float strength)
    {
        MapStrength.Require(strength);
        return strength >= 1f ? this : new ChannelAffineFieldMap(gridX, gridY, parameters, strength * this.strength);
    }

    /// <inheritdoc />
    public IForegroundRows ForImage(int width, int height)
    {
        var column = new (int Index, float Weight)[width];
        for (int x = 0; x < width; x++) column[x] = Locate(x, width, gridX);
        return new Rows(this, column, height);
    }

    /// <summary>Continuous cell coordinate of pixel centre <paramref name="p"/>: lower cell index and weight of the next.</summary>
    static (int Index, float Weight) Locate(int p, int size, int cells)
    {
        double f = Math.Clamp((p + 0.5) * cells / size - 0.5, 0, cells - 1);
        int i = Math.Min((int)f, Math.Max(0, cells - 2));
        return (i, (float)(f - i));
    }

    sealed class Rows(ChannelAffineFieldMap map, (int Index, float Weight)[] column, int height) : IForegroundRows
    {
        readonly int nextColumn = map.gridX > 1 ? PerCell : 0;

        public int ScratchLength => map.gridX * PerCell;

        public void BeginRow(int y, Span<float> rowParams)
        {
            var p = map.parameters;
            int stride = map.gridX * PerCell;
            var (j, ty) = Locate(y, height, map.gridY);
            int j1 = Math.Min(j + 1, map.gridY - 1);
            for (int k = 0; k < stride; k++)
                rowParams[k] = p[j * stride + k] + ty * (p[j1 * stride + k] - p[j * stride + k]);
        }

        public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> rowParams)
        {
            for (int i = 0; i < source.Length / 3; i++)
            {
                int o = 3 * i;
                var (cell, tx) = column[x + i];
                int p = cell * PerCell;
                for (int ch = 0; ch < 3; ch++)
                {
                    float scale = rowParams[p + ch] + tx * (rowParams[p + nextColumn + ch] - rowParams[p + ch]);
                    float shift = rowParams[p + 3 + ch] + tx * (rowParams[p + nextColumn + 3 + ch] - rowParams[p + 3 + ch]);
                    foreground[o + ch] = PixelBytes.Round(scale * source[o + ch] + shift);
                }
            }
            if (map.strength < 1f) MapStrength.TowardSource(source, foreground, map.strength);
        }
    }
}
