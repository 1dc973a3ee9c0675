using System.Buffers;

namespace Harmonia.Core.Rendering;

/// <summary>
/// Two foreground maps one after the other, <c>f = second ∘ first</c>: each run of foreground pixels goes through
/// <c>first</c> and its colours through <c>second</c>, in one render pass with no full-size intermediate image. The
/// renderer blends with the soft alpha once, after both (see <see cref="Methods.ChainedHarmonizer"/> for what the second
/// map was fitted on). Strength blends the composed colours toward the composite's (scaling each map instead would not
/// keep a half-strength colour between the composite's and the full one's).
/// </summary>
public sealed class ComposedForegroundMap : IForegroundMap
{
    readonly float strength;

    /// <summary>Composes <paramref name="first"/> and then <paramref name="second"/>, at full strength.</summary>
    public ComposedForegroundMap(IForegroundMap first, IForegroundMap second) : this(first, second, 1f) { }

    ComposedForegroundMap(IForegroundMap first, IForegroundMap second, float strength) =>
        (First, Second, this.strength) = (first, second, strength);

    /// <summary>The map applied first.</summary>
    public IForegroundMap First { get; }

    /// <summary>The map applied to the first one's colours.</summary>
    public IForegroundMap Second { get; }

    /// <inheritdoc />
    public IForegroundMap AtStrength(float strength)
    {
        MapStrength.Require(strength);
        return strength >= 1f ? this : new ComposedForegroundMap(First, Second, strength * this.strength);
    }

    /// <inheritdoc />
    public IForegroundRows ForImage(int width, int height) => new Rows(First.ForImage(width, height), Second.ForImage(width, height), strength);

    sealed class Rows(IForegroundRows first, IForegroundRows second, float strength) : IForegroundRows
    {
        public int ScratchLength => first.ScratchLength + second.ScratchLength;

        public void BeginRow(int y, Span<float> scratch)
        {
            first.BeginRow(y, scratch[..first.ScratchLength]);
            second.BeginRow(y, scratch.Slice(first.ScratchLength, second.ScratchLength));
        }

        public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> scratch)
        {
            // The first map's colours for this run (a run is at most one row: 3·W bytes from the shared pool).
            byte[] rented = ArrayPool<byte>.Shared.Rent(source.Length);
            try
            {
                var middle = rented.AsSpan(0, source.Length);
                first.Map(y, x, source, middle, scratch[..first.ScratchLength]);
                second.Map(y, x, middle, foreground, scratch.Slice(first.ScratchLength, second.ScratchLength));
                if (strength < 1f) MapStrength.TowardSource(source, foreground, strength);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
