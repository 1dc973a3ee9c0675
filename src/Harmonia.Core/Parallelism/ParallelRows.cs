namespace Harmonia.Core.Parallelism;

/// <summary>
/// Runs a per-row body over rows in parallel only when the work is large enough to pay for it: for small images
/// (thumbnails, training samples) the task scheduling of <see cref="Parallel.For(int, int, Action{int})"/> costs more
/// than the rows themselves, and callers that already run many images in parallel would nest it.
/// </summary>
public static class ParallelRows
{
    /// <summary>Below this many pixels in total the rows run sequentially on the calling thread.</summary>
    public const long SequentialBelowPixels = 1 << 17;

    /// <summary>Calls <paramref name="body"/>(row) for row in [0, <paramref name="rows"/>), in parallel when rows·<paramref name="pixelsPerRow"/> is large.</summary>
    public static void For(int rows, int pixelsPerRow, Action<int> body)
    {
        if ((long)rows * pixelsPerRow < SequentialBelowPixels)
        {
            for (int y = 0; y < rows; y++) body(y);
            return;
        }
        Parallel.For(0, rows, body);
    }
}
