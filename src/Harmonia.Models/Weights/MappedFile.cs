using System.Buffers;
using System.IO.MemoryMappedFiles;
using Harmonia.Core.Errors;

namespace Harmonia.Models.Weights;

/// <summary>
/// A whole file mapped read-only into memory, as <see cref="ReadOnlyMemory{T}"/> over the page cache's own pages:
/// nothing is copied into the managed heap and only the pages read are touched. For large weight files read once
/// at start-up (the 64 MB ResNet-18 ONNX): reading them into an array first costs a page fault per 4 KB of fresh
/// memory, about 20 ms. Dispose the map when the tensors have been copied out.
/// </summary>
public sealed unsafe class MappedFile : MemoryManager<byte>
{
    readonly MemoryMappedFile? map;
    readonly MemoryMappedViewAccessor? view;
    readonly byte* pointer;
    readonly int length;

    MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, int length)
    {
        this.map = map;
        this.view = view;
        this.length = length;
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        pointer = start + view.PointerOffset;
    }

    MappedFile(byte* pointer, int length)
    {
        this.pointer = pointer;
        this.length = length;
    }

    /// <summary>
    /// Memory that is already mapped for the life of the process and owned elsewhere (a resource inside a loaded
    /// assembly's image), seen as <see cref="ReadOnlyMemory{T}"/>; disposing releases nothing.
    /// </summary>
    public static MappedFile InPlace(byte* pointer, int length) => new(pointer, length);

    /// <summary>Maps <paramref name="path"/> (a regular, non-empty file below 2 GB); <paramref name="what"/> names it in errors.</summary>
    public static MappedFile Open(string path, string what)
    {
        long size;
        try { size = new FileInfo(path).Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new HarmoniaException($"Cannot read {what} '{path}': {e.Message}"); }
        if (size == 0) throw new HarmoniaException($"The {what} '{path}' is empty.");
        if (size > int.MaxValue) throw new HarmoniaException($"The {what} '{path}' is larger than 2 GB.");
        MemoryMappedFile? map = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = map.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            return new MappedFile(map, view, (int)size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            map?.Dispose();
            throw new HarmoniaException($"Cannot read {what} '{path}': {e.Message}");
        }
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan() => new(pointer, length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing || view is null) return;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map?.Dispose();
    }
}
