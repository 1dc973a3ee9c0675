using System.Buffers;

namespace Harmonia.Core.Parallelism;

/// <summary>Work done for one row of an image; a struct so the loop calls it without a delegate or a closure per row.</summary>
public interface IRowOperation
{
    /// <summary>Processes row <paramref name="y"/>. Called for different rows on several threads at once.</summary>
    void Invoke(int y);
}

/// <summary>Work done for one row with a scratch buffer owned by the calling worker (reused for the rows of a block).</summary>
/// <typeparam name="TBuffer">Element type of the scratch buffer.</typeparam>
public interface IRowOperation<TBuffer> where TBuffer : unmanaged
{
    /// <summary>Elements of scratch each worker needs (the buffer is not cleared between rows).</summary>
    int BufferLength { get; }

    /// <summary>Processes row <paramref name="y"/> with the worker's scratch (at least <see cref="BufferLength"/> elements).</summary>
    void Invoke(int y, Span<TBuffer> buffer);
}

/// <summary>
/// A sum over rows: every worker adds its rows into its own zeroed state, and each state is merged once at the end
/// (under a lock), so partial sums never contend.
/// </summary>
/// <typeparam name="TState">Element type of the per-worker state.</typeparam>
public interface IRowReduction<TState> where TState : unmanaged
{
    /// <summary>Elements of per-worker state.</summary>
    int StateLength { get; }

    /// <summary>Adds row <paramref name="y"/> into <paramref name="state"/>.</summary>
    void Invoke(int y, Span<TState> state);

    /// <summary>Merges one worker's final state into the result; calls are serialized.</summary>
    void Merge(ReadOnlySpan<TState> state);
}

/// <summary>
/// The one parallel-rows loop of Core (rendering, statistics, thumbnails, resize, SSIM). Rows are handed out in
/// blocks of about <see cref="PixelsPerBlock"/> pixels; below <see cref="SequentialBelowPixels"/> pixels in total the
/// rows run sequentially on the calling thread: for small images (thumbnails, training samples) scheduling costs more
/// than the rows, and callers that already run many images in parallel would nest it. Operations are structs, so the
/// JIT specializes the loop per operation and inlines its body.
/// </summary>
public static class ParallelRows
{
    /// <summary>Below this many pixels in total the rows run sequentially on the calling thread.</summary>
    public const long SequentialBelowPixels = 1 << 17;

    /// <summary>Target pixels per scheduled block of rows.</summary>
    public const int PixelsPerBlock = 1 << 15;

    /// <summary>Runs <paramref name="operation"/> for every row in [0, <paramref name="rows"/>).</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="pixelsPerRow">Work per row in pixels (decides sequential or parallel and the block size).</param>
    /// <param name="operation">The row body.</param>
    public static void For<TOperation>(int rows, int pixelsPerRow, TOperation operation) where TOperation : struct, IRowOperation
    {
        if (Sequential(rows, pixelsPerRow))
        {
            for (int y = 0; y < rows; y++) operation.Invoke(y);
            return;
        }
        int block = RowsPerBlock(pixelsPerRow);
        var runner = new Runner<TOperation>(operation, rows, block);
        Parallel.For(0, (rows + block - 1) / block, runner.Run);
    }

    /// <summary>Runs <paramref name="operation"/> for every row with per-worker scratch rented from the shared pool.</summary>
    public static void For<TOperation, TBuffer>(int rows, int pixelsPerRow, TOperation operation)
        where TOperation : struct, IRowOperation<TBuffer> where TBuffer : unmanaged
    {
        if (Sequential(rows, pixelsPerRow))
        {
            RunBlock<TOperation, TBuffer>(ref operation, 0, rows);
            return;
        }
        int block = RowsPerBlock(pixelsPerRow);
        var runner = new BufferedRunner<TOperation, TBuffer>(operation, rows, block);
        Parallel.For(0, (rows + block - 1) / block, runner.Run);
    }

    /// <summary>Adds every row into per-worker states and merges them (see <see cref="IRowReduction{TState}"/>).</summary>
    public static void Reduce<TOperation, TState>(int rows, int pixelsPerRow, TOperation operation)
        where TOperation : struct, IRowReduction<TState> where TState : unmanaged
    {
        if (Sequential(rows, pixelsPerRow))
        {
            var state = new TState[operation.StateLength];
            for (int y = 0; y < rows; y++) operation.Invoke(y, state);
            operation.Merge(state);
            return;
        }
        int block = RowsPerBlock(pixelsPerRow);
        var runner = new ReductionRunner<TOperation, TState>(operation, rows, block);
        Parallel.For(0, (rows + block - 1) / block, runner.Init, runner.Run, runner.Finish);
    }

    static bool Sequential(int rows, int pixelsPerRow) => (long)rows * pixelsPerRow < SequentialBelowPixels;

    static int RowsPerBlock(int pixelsPerRow) => Math.Max(1, PixelsPerBlock / Math.Max(1, pixelsPerRow));

    static void RunBlock<TOperation, TBuffer>(ref TOperation operation, int start, int end)
        where TOperation : struct, IRowOperation<TBuffer> where TBuffer : unmanaged
    {
        int length = operation.BufferLength;
        var buffer = ArrayPool<TBuffer>.Shared.Rent(Math.Max(1, length));
        try
        {
            for (int y = start; y < end; y++) operation.Invoke(y, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<TBuffer>.Shared.Return(buffer);
        }
    }

    // One object per call holds the operation; its Run method is the only delegate, so no closure is made per row.
    sealed class Runner<TOperation>(TOperation operation, int rows, int block) where TOperation : struct, IRowOperation
    {
        TOperation operation = operation;

        public void Run(int index)
        {
            int end = Math.Min(rows, (index + 1) * block);
            for (int y = index * block; y < end; y++) operation.Invoke(y);
        }
    }

    sealed class BufferedRunner<TOperation, TBuffer>(TOperation operation, int rows, int block)
        where TOperation : struct, IRowOperation<TBuffer> where TBuffer : unmanaged
    {
        TOperation operation = operation;

        public void Run(int index) => RunBlock<TOperation, TBuffer>(ref operation, index * block, Math.Min(rows, (index + 1) * block));
    }

    sealed class ReductionRunner<TOperation, TState>(TOperation operation, int rows, int block)
        where TOperation : struct, IRowReduction<TState> where TState : unmanaged
    {
        TOperation operation = operation;
        readonly Lock gate = new();

        public TState[] Init() => new TState[operation.StateLength];

        public TState[] Run(int index, ParallelLoopState _, TState[] state)
        {
            int end = Math.Min(rows, (index + 1) * block);
            for (int y = index * block; y < end; y++) operation.Invoke(y, state);
            return state;
        }

        public void Finish(TState[] state)
        {
            lock (gate) operation.Merge(state);
        }
    }
}
