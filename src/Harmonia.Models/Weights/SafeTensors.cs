using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using Harmonia.Core.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length n, then n bytes of
/// UTF-8 JSON <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {str: str}}</c>
/// (offsets relative to the end of the header), then the raw little-endian tensor bytes.
/// <para>Written dtypes: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL (as the tensor's own type). Reading keeps integer
/// and bool types and converts every floating type (F16, BF16, F64) to float32, since every Harmonia module is float32.</para>
/// </summary>
public static class SafeTensors
{
    /// <summary>The header key holding string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    const long MaxHeaderBytes = 100_000_000;

    /// <summary>Largest weights file read (2 GiB - 1: one .NET array).</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>
    /// Writes <paramref name="tensors"/> (in the given order) and optional <paramref name="metadata"/> to
    /// <paramref name="path"/> atomically (temporary file + rename).
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata));

    /// <summary>Serializes tensors (any device, any layout: they are copied to contiguous CPU memory) to safetensors bytes.</summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = new List<(string Name, string DType, long[] Shape, byte[] Data)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey || !seen.Add(name)) throw new ArgumentException($"Duplicate or reserved tensor name '{name}'.");
            entries.Add((name, DTypeName(tensor.dtype), tensor.shape, TensorBytes(tensor)));
        }

        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DType);
                w.WriteStartArray("shape");
                foreach (var d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.Data.Length;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces so the data starts 8-byte aligned (the reference writer does the same).
        int headerLength = (int)json.Length;
        int padded = (headerLength + 8 + 7) / 8 * 8 - 8;
        long dataLength = entries.Sum(e => (long)e.Data.Length);
        var bytes = new byte[checked(8 + padded + dataLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.GetBuffer().AsSpan(0, headerLength).CopyTo(bytes.AsSpan(8));
        bytes.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        long pos = 8 + padded;
        foreach (var e in entries)
        {
            e.Data.CopyTo(bytes.AsSpan(checked((int)pos)));
            pos += e.Data.Length;
        }
        return bytes;
    }

    /// <summary>Reads every tensor of a safetensors file (CPU tensors; floating types as float32). The caller owns the tensors.</summary>
    public static Dictionary<string, Tensor> Read(string path) => Read(path, out _);

    /// <summary>Reads every tensor and the string metadata of a safetensors file.</summary>
    public static Dictionary<string, Tensor> Read(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        // Regular files only, read to their checked length: a pipe or /dev/zero must not hang or fill memory.
        var bytes = InputFile.ReadAllBytes(path, MaxFileBytes, "weights file");
        return Deserialize(bytes, out metadata, path);
    }

    /// <summary>Parses safetensors bytes. Throws <see cref="HarmoniaException"/> naming <paramref name="nameForErrors"/> when malformed.</summary>
    public static Dictionary<string, Tensor> Deserialize(ReadOnlySpan<byte> bytes, out IReadOnlyDictionary<string, string> metadata, string nameForErrors = "safetensors data") =>
        CreateTensors(ParseHeader(bytes, out metadata, out long dataStart, nameForErrors), bytes, dataStart, nameForErrors);

    /// <summary>
    /// Checks and parses the header of safetensors <paramref name="bytes"/> without making tensors (no libtorch needed,
    /// so it can run while libtorch loads); <see cref="WeightsContent.CreateTensors"/> makes them from the same bytes.
    /// </summary>
    public static WeightsContent Parse(ReadOnlyMemory<byte> bytes, string nameForErrors)
    {
        var headers = ParseHeader(bytes.Span, out var metadata, out long dataStart, nameForErrors);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var h in headers) shapes[h.Name] = h.Shape;
        return new WeightsContent(metadata, shapes, () => CreateTensors(headers, bytes.Span, dataStart, nameForErrors));
    }

    static Dictionary<string, Tensor> CreateTensors(List<Header> headers, ReadOnlySpan<byte> bytes, long dataStart, string nameForErrors)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var h in headers)
            {
                var data = bytes.Slice(checked((int)(dataStart + h.Begin)), checked((int)(h.End - h.Begin)));
                result[h.Name] = ToTensor(h, data, nameForErrors);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads only the metadata and tensor headers (name, dtype, shape) of a file, without loading data.</summary>
    public static IReadOnlyList<SafeTensorInfo> ReadHeader(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (n > MaxHeaderBytes || (long)n > stream.Length - 8) throw new HarmoniaException($"'{path}' is not a safetensors file (bad header length).");
        var buffer = new byte[8 + (int)n];
        lengthBytes.CopyTo(buffer);
        stream.ReadExactly(buffer.AsSpan(8));
        return ParseHeader(buffer, out metadata, out _, path, checkData: false)
            .Select(h => new SafeTensorInfo(h.Name, h.DType, h.Shape)).ToList();
    }

    sealed record Header(string Name, string DType, long[] Shape, long Begin, long End);

    static List<Header> ParseHeader(ReadOnlySpan<byte> bytes, out IReadOnlyDictionary<string, string> metadata, out long dataStart, string nameForErrors, bool checkData = true)
    {
        HarmoniaException Bad(string why) => new($"'{nameForErrors}' is not a valid safetensors file: {why}.");
        if (bytes.Length < 8) throw Bad("shorter than 8 bytes");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeaderBytes || (long)n > bytes.Length - 8) throw Bad("header length out of range");
        dataStart = 8 + (long)n;
        long dataLength = bytes.Length - dataStart;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        var headers = new List<Header>();
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes.Slice(8, (int)n)).TrimEnd(' ', '\0'));
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == MetadataKey)
                {
                    foreach (var m in prop.Value.EnumerateObject()) meta[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var dtype = prop.Value.GetProperty("dtype").GetString() ?? "";
                var shape = prop.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = prop.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || (checkData && offsets[1] > dataLength))
                    throw Bad($"tensor '{prop.Name}' has data offsets outside the file");
                if (shape.Any(d => d < 0)) throw Bad($"tensor '{prop.Name}' has a negative dimension");
                // The element count must fit 64 bits even ignoring zero dimensions, as libtorch checks it that way.
                long count = 1, nonZero = 1;
                try
                {
                    foreach (var d in shape) { count *= d; nonZero = checked(nonZero * Math.Max(d, 1L)); }
                    checked { _ = count * ElementSize(dtype, prop.Name, nameForErrors); }
                }
                catch (OverflowException) { throw Bad($"tensor '{prop.Name}' has shape [{string.Join(",", shape)}] whose element count overflows"); }
                if (count * ElementSize(dtype, prop.Name, nameForErrors) != offsets[1] - offsets[0])
                    throw Bad($"tensor '{prop.Name}' has {offsets[1] - offsets[0]} bytes for shape [{string.Join(",", shape)}] of {dtype}");
                headers.Add(new Header(prop.Name, dtype, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw Bad("header is not the expected JSON (" + e.Message.Split('\n')[0] + ")");
        }
        metadata = meta;
        return headers;
    }

    static int ElementSize(string dtype, string tensor, string file) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => throw new HarmoniaException($"'{file}': tensor '{tensor}' has unsupported dtype '{dtype}'."),
    };

    static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"safetensors writer: unsupported tensor type {t}."),
    };

    static byte[] TensorBytes(Tensor tensor)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine.");
        using var cpu = tensor.detach().cpu().contiguous();
        return cpu.bytes.ToArray();
    }

    static Tensor ToTensor(Header h, ReadOnlySpan<byte> data, string file)
    {
        switch (h.DType)
        {
            case "F32": return RawTensor.FromBytes(data, h.Shape, ScalarType.Float32);
            case "F64":
            {
                var src = MemoryMarshal.Cast<byte, double>(data);
                var dst = new float[src.Length];
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)src[i];
                return torch.tensor(dst, h.Shape);
            }
            case "F16":
            {
                var src = MemoryMarshal.Cast<byte, Half>(data);
                var dst = new float[src.Length];
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)src[i];
                return torch.tensor(dst, h.Shape);
            }
            case "BF16":
            {
                var src = MemoryMarshal.Cast<byte, ushort>(data);
                var dst = new float[src.Length];
                for (int i = 0; i < dst.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(src[i] << 16);
                return torch.tensor(dst, h.Shape);
            }
            case "I64": return RawTensor.FromBytes(data, h.Shape, ScalarType.Int64);
            case "I32": return RawTensor.FromBytes(data, h.Shape, ScalarType.Int32);
            case "I16": return torch.tensor(MemoryMarshal.Cast<byte, short>(data).ToArray(), h.Shape);
            case "I8": return torch.tensor(MemoryMarshal.Cast<byte, sbyte>(data).ToArray(), h.Shape);
            case "U8": return torch.tensor(data.ToArray(), h.Shape);
            case "BOOL":
            {
                var dst = new bool[data.Length];
                for (int i = 0; i < dst.Length; i++) dst[i] = data[i] != 0;
                return torch.tensor(dst, h.Shape);
            }
            default: throw new HarmoniaException($"'{file}': tensor '{h.Name}' has dtype '{h.DType}' which Harmonia does not read.");
        }
    }
}

/// <summary>Name, dtype (safetensors spelling, e.g. F32) and shape of one stored tensor.</summary>
public sealed record SafeTensorInfo(string Name, string DType, long[] Shape);
