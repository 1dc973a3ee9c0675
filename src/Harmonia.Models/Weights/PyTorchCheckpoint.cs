using System.Collections;
using System.IO.Compression;
using System.Reflection;
using Harmonia.Core.Errors;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// Reads the state dict of a PyTorch file written by <c>torch.save</c> (the zip format of torch ≥ 1.6: any top
/// folder name, a <c>data.pkl</c> pickle, one raw little-endian storage per <c>data/N</c> entry), with
/// TorchSharp.PyBridge's unpickler. Accepted layouts: a plain state dict (<c>.pth</c>, <c>.pt</c>) or a training
/// checkpoint, a dict whose <c>state_dict</c> (or <c>model_state_dict</c>, <c>model</c>) entry is the state dict;
/// everything else in it (epoch, optimizer state, ...) is ignored. When every name starts with <c>module.</c>
/// (<c>nn.DataParallel</c>), that prefix is removed.
/// <para>Hostile or foreign files get one <see cref="HarmoniaException"/> line and bounded memory: the file size,
/// the pickle size and the total tensor bytes are capped, and every tensor's shape is checked against its storage
/// entry in 64-bit arithmetic before anything is allocated for it. Tensors come back as CPU tensors of their stored
/// dtype; the caller owns them.</para>
/// </summary>
public static class PyTorchCheckpoint
{
    /// <summary>Largest file accepted (bytes).</summary>
    public const long MaxFileBytes = 2L << 30;

    /// <summary>Largest <c>data.pkl</c> accepted (bytes); real checkpoints have kilobytes to a few megabytes.</summary>
    public const long MaxPickleBytes = 64L << 20;

    /// <summary>Largest total of state-dict tensor bytes read (the full-width PHNet needs 40 MB).</summary>
    public const long MaxTensorBytes = 512L << 20;

    static readonly string[] NestedStateDictKeys = ["state_dict", "model_state_dict", "model"];

    /// <summary>Whether <paramref name="path"/> starts like a zip archive (<c>PK\x03\x04</c>), i.e. may be a <c>torch.save</c> file.</summary>
    public static bool LooksLikeZip(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic[0] == 0x50 && magic[1] == 0x4B && magic[2] == 3 && magic[3] == 4;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads the state dict of <paramref name="path"/> (see the class summary). Names are PyTorch's, without a <c>module.</c> prefix.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        HarmoniaException Bad(string why) => new($"'{path}' is not a PyTorch checkpoint Harmonia can read: {why}.");
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarmoniaException($"Cannot read weights file '{path}': {e.Message}");
        }
        using (stream)
        {
            if (!stream.CanSeek) throw Bad("it is not a regular file");
            if (stream.Length > MaxFileBytes) throw Bad($"it has {stream.Length:N0} bytes, more than the {MaxFileBytes:N0} accepted");
            if (!LooksLikeZip(path))
                throw Bad("it is not a zip archive (torch.save of torch >= 1.6); a legacy torch.save file must be re-saved with a newer torch");
            ZipArchive archive;
            try { archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
            catch (InvalidDataException e) { throw Bad("the zip archive is damaged (" + FirstLine(e.Message) + ")"); }
            using (archive)
            {
                var storages = CheckArchive(archive, Bad);
                Hashtable root;
                try
                {
                    stream.Position = 0;
                    // skipTensorRead: the pickle is parsed but no storage is read, so shapes can be checked first.
                    root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: true);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw Bad("its pickle could not be parsed (" + e.GetType().Name + ": " + FirstLine(e.Message) + ")");
                }
                var pending = SelectStateDict(root, Bad);
                return ReadTensors(pending, storages, Bad);
            }
        }
    }

    /// <summary>Checks the archive's shape (one <c>data.pkl</c> of sane size); returns the declared size of every entry by index.</summary>
    static long[] CheckArchive(ZipArchive archive, Func<string, HarmoniaException> bad)
    {
        try
        {
            var entries = archive.Entries;
            var pickles = entries.Where(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal)).ToList();
            if (pickles.Count != 1) throw bad(pickles.Count == 0 ? "it has no data.pkl" : "it has more than one data.pkl");
            if (pickles[0].Length > MaxPickleBytes) throw bad($"its data.pkl has {pickles[0].Length:N0} bytes, more than the {MaxPickleBytes:N0} accepted");
            return entries.Select(e => e.Length).ToArray();
        }
        catch (InvalidDataException e)
        {
            throw bad("the zip archive is damaged (" + FirstLine(e.Message) + ")");
        }
    }

    /// <summary>The state dict inside the unpickled object: the object itself or its nested entry.</summary>
    static Dictionary<string, object> SelectStateDict(Hashtable root, Func<string, HarmoniaException> bad)
    {
        var direct = TensorEntries(root);
        if (direct.Count > 0) return direct;
        foreach (var key in NestedStateDictKeys)
            if (root[key] is Hashtable nested && TensorEntries(nested) is { Count: > 0 } entries)
                return entries;
        var keys = root.Keys.Cast<object>().Select(k => k?.ToString() ?? "None").Order().Take(8);
        throw bad($"it holds no state dict (top-level keys: {string.Join(", ", keys)})");
    }

    /// <summary>The string-keyed tensor entries of a dict (other entries, e.g. <c>_metadata</c>, are skipped); one <c>module.</c> prefix removed when every name has it.</summary>
    static Dictionary<string, object> TensorEntries(Hashtable table)
    {
        var entries = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
            if (e.Key is string name && e.Value is not null && PendingTensor.IsTensor(e.Value))
                entries[name] = e.Value;
        const string prefix = "module.";
        if (entries.Count > 0 && entries.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            return entries.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        return entries;
    }

    static Dictionary<string, Tensor> ReadTensors(Dictionary<string, object> pending, long[] storageBytes, Func<string, HarmoniaException> bad)
    {
        // Check everything before allocating anything.
        long total = 0;
        foreach (var (name, value) in pending)
        {
            if (value is Tensor) continue;
            var p = PendingTensor.From(value);
            long bytes = p.CheckedBytes(name, storageBytes, bad);
            total += bytes;
            if (total > MaxTensorBytes) throw bad($"its tensors add up to more than the {MaxTensorBytes:N0} bytes accepted");
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, value) in pending)
                result[name] = value as Tensor ?? PendingTensor.From(value).Read(name, bad);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>
    /// A tensor the unpickler described but did not read (PyBridge's internal <c>TensorConstructorArgs</c> of
    /// version 1.4.4, reached by reflection because PyBridge keeps the type internal; its properties are public).
    /// </summary>
    sealed record PendingTensor(object Source, long[] Shape, long[] Stride, long StorageOffset, ScalarType DType, int ArchiveIndex)
    {
        const string TypeName = "TensorConstructorArgs";

        public static bool IsTensor(object value) => value is Tensor || value.GetType().Name == TypeName;

        public static PendingTensor From(object source)
        {
            var type = source.GetType();
            T Get<T>(string property) => type.GetProperty(property)?.GetValue(source) is T v
                ? v
                : throw new InvalidOperationException($"TorchSharp.PyBridge's {TypeName}.{property} is missing: this code expects PyBridge 1.4.4.");
            return new PendingTensor(source, Get<long[]>("Shape"), Get<long[]>("Stride"), Get<int>("StorageOffset"), Get<ScalarType>("DType"), Get<int>("ArchiveIndex"));
        }

        /// <summary>Bytes the tensor needs, after checking shape, layout and storage size (all in checked 64-bit arithmetic).</summary>
        public long CheckedBytes(string name, long[] storageBytes, Func<string, HarmoniaException> bad)
        {
            if (Shape.Any(d => d < 0) || Shape.Length > 8) throw bad($"tensor '{name}' has shape [{string.Join(",", Shape)}]");
            long elementSize = DType switch
            {
                ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
                ScalarType.Float32 or ScalarType.Int32 => 4,
                ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
                ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
                _ => throw bad($"tensor '{name}' has dtype {DType}, which Harmonia does not read"),
            };
            long count = 1;
            try
            {
                foreach (var d in Shape) count = checked(count * d);
                long bytes = checked(count * elementSize);
                if (bytes > MaxTensorBytes) throw bad($"tensor '{name}' declares {bytes:N0} bytes");
                if (ArchiveIndex < 0 || ArchiveIndex >= storageBytes.Length || storageBytes[ArchiveIndex] < bytes)
                    throw bad($"tensor '{name}' declares shape [{string.Join(",", Shape)}] but its storage is smaller");
                if (StorageOffset != 0 || !IsContiguous()) throw bad($"tensor '{name}' is a view into a shared storage (offset or strides), which Harmonia does not read");
                return bytes;
            }
            catch (OverflowException)
            {
                throw bad($"tensor '{name}' has shape [{string.Join(",", Shape)}], whose size overflows");
            }
        }

        bool IsContiguous()
        {
            if (Stride.Length != Shape.Length) return false;
            long expected = 1;
            for (int i = Shape.Length - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Stride[i] != expected) return false;
                expected *= Shape[i];
            }
            return true;
        }

        public Tensor Read(string name, Func<string, HarmoniaException> bad)
        {
            var method = Source.GetType().GetMethod("ReadTensorFromStream", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)
                ?? throw new InvalidOperationException($"TorchSharp.PyBridge's {TypeName}.ReadTensorFromStream is missing: this code expects PyBridge 1.4.4.");
            try
            {
                return (Tensor)method.Invoke(Source, null)!;
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner and not OutOfMemoryException)
            {
                throw bad($"tensor '{name}' could not be read ({inner.GetType().Name}: {FirstLine(inner.Message)})");
            }
        }
    }
}
