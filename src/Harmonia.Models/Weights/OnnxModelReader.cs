using System.Runtime.InteropServices;
using System.Text;
using Harmonia.Core.Errors;

namespace Harmonia.Models.Weights;

/// <summary>One node of an ONNX graph: operator, input and output tensor names, and its scalar attributes.</summary>
/// <param name="OpType">e.g. <c>Conv</c>, <c>BatchNormalization</c>.</param>
/// <param name="Inputs">Input tensor names in order (for Conv: X, W, optional B).</param>
/// <param name="Outputs">Output tensor names.</param>
/// <param name="FloatAttributes">Float attributes by name (e.g. BatchNormalization's <c>epsilon</c>).</param>
/// <param name="IntsAttributes">Integer-list attributes by name (e.g. Conv's <c>strides</c>, <c>pads</c>).</param>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, float> FloatAttributes, IReadOnlyDictionary<string, long[]> IntsAttributes);

/// <summary>A FLOAT initializer of an ONNX graph: its dims and its data as little-endian float32 bytes.</summary>
/// <param name="Shape">The initializer's dims.</param>
/// <param name="Bytes">4 · Π Shape bytes (a slice of the model, not a copy).</param>
public readonly record struct OnnxFloatTensor(long[] Shape, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>The values as a new array.</summary>
    public float[] ToArray() => MemoryMarshal.Cast<byte, float>(Bytes.Span).ToArray();
}

/// <summary>
/// Reads what weight conversion needs from an ONNX <c>ModelProto</c> without a protobuf dependency: the FLOAT
/// initializers (GraphProto field 5) and the nodes in graph order (GraphProto field 1). ONNX Runtime runs models but
/// exposes neither, hence this small reader of the protobuf wire format.
/// </summary>
public static class OnnxModelReader
{
    /// <summary>Name → (dims, float data) for every FLOAT initializer (raw_data or float_data).</summary>
    public static Dictionary<string, (long[] Shape, float[] Data)> ReadInitializers(byte[] model) =>
        ReadFloatInitializers(model).ToDictionary(kv => kv.Key, kv => (kv.Value.Shape, kv.Value.ToArray()));

    /// <summary>
    /// Name → <see cref="OnnxFloatTensor"/> for every FLOAT initializer, its data a slice of <paramref name="model"/>
    /// (nothing copied: a converter copies each tensor once, straight into its destination).
    /// </summary>
    public static Dictionary<string, OnnxFloatTensor> ReadFloatInitializers(ReadOnlyMemory<byte> model)
    {
        var result = new Dictionary<string, OnnxFloatTensor>(StringComparer.Ordinal);
        foreach (var graph in Graphs(model))
            foreach (var (field, tensor) in LengthDelimited(graph))
                if (field == 5 && ParseTensor(tensor) is { } t) result[t.Name] = t.Tensor;
        return result;
    }

    /// <summary>The graph's nodes in file order (ONNX requires topological order).</summary>
    public static List<OnnxNode> ReadNodes(ReadOnlyMemory<byte> model)
    {
        var nodes = new List<OnnxNode>();
        foreach (var graph in Graphs(model))
            foreach (var (field, node) in LengthDelimited(graph))
                if (field == 1) nodes.Add(ParseNode(node));
        return nodes;
    }

    static IEnumerable<ReadOnlyMemory<byte>> Graphs(ReadOnlyMemory<byte> model)
    {
        foreach (var (field, graph) in LengthDelimited(model))
            if (field == 7) yield return graph;
    }

    static OnnxNode ParseNode(ReadOnlyMemory<byte> bytes)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string op = "";
        var floats = new Dictionary<string, float>();
        var ints = new Dictionary<string, long[]>();
        foreach (var (field, payload) in LengthDelimited(bytes))
        {
            switch (field)
            {
                case 1: inputs.Add(Encoding.UTF8.GetString(payload.Span)); break;
                case 2: outputs.Add(Encoding.UTF8.GetString(payload.Span)); break;
                case 4: op = Encoding.UTF8.GetString(payload.Span); break;
                case 5: ParseAttribute(payload, floats, ints); break;
            }
        }
        return new OnnxNode(op, inputs, outputs, floats, ints);
    }

    /// <summary>AttributeProto: name = 1, f = 2 (fixed32), i = 3, ints = 8 (packed or not).</summary>
    static void ParseAttribute(ReadOnlyMemory<byte> bytes, Dictionary<string, float> floats, Dictionary<string, long[]> ints)
    {
        var span = bytes.Span;
        string name = "";
        float? f = null;
        var list = new List<long>();
        int i = 0;
        while (i < span.Length)
        {
            ulong key = Varint(span, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    ulong v = Varint(span, ref i);
                    if (field == 8 || field == 3) list.Add((long)v);
                    break;
                case 5:
                    if (field == 2) f = BitConverter.ToSingle(span.Slice(i, 4));
                    i += 4;
                    break;
                case 1: i += 8; break;
                case 2:
                    int len = (int)Varint(span, ref i);
                    var payload = span.Slice(i, len);
                    i += len;
                    if (field == 1) name = Encoding.UTF8.GetString(payload);
                    else if (field == 8) { int j = 0; while (j < payload.Length) list.Add((long)Varint(payload, ref j)); }
                    break;
                default: throw new HarmoniaException("The ONNX file is not a valid protobuf.");
            }
        }
        if (f is { } value) floats[name] = value;
        if (list.Count > 0) ints[name] = list.ToArray();
    }

    static (string Name, OnnxFloatTensor Tensor)? ParseTensor(ReadOnlyMemory<byte> bytes)
    {
        var dims = new List<long>();
        string name = "";
        int dataType = 0;
        ReadOnlyMemory<byte>? data = null;
        var span = bytes.Span;
        int i = 0;
        while (i < span.Length)
        {
            ulong key = Varint(span, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (wire == 0)
            {
                ulong v = Varint(span, ref i);
                if (field == 1) dims.Add((long)v);
                else if (field == 2) dataType = (int)v;
            }
            else if (wire == 2)
            {
                int len = (int)Varint(span, ref i);
                var payload = span.Slice(i, len);
                i += len;
                if (field == 1) { int j = 0; while (j < payload.Length) dims.Add((long)Varint(payload, ref j)); }
                else if (field == 8) name = Encoding.UTF8.GetString(payload);
                // raw_data (9) and packed float_data (4) both hold little-endian float32s.
                else if (field is 9 or 4) data = bytes.Slice(i - len, len);
            }
            else if (wire == 5) i += 4;
            else if (wire == 1) i += 8;
            else throw new HarmoniaException("The ONNX file is not a valid protobuf.");
        }
        if (dataType != 1 || data is not { } raw) return null;
        var shape = dims.ToArray();
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0 || (d > 0 && count > raw.Length / d)) { count = -1; break; }
            count *= d;
        }
        if (count * sizeof(float) != raw.Length) throw new HarmoniaException($"The ONNX initializer '{name}' has {raw.Length} bytes for shape [{string.Join(",", shape)}].");
        return (name, new OnnxFloatTensor(shape, raw));
    }

    static IEnumerable<(int Field, ReadOnlyMemory<byte> Payload)> LengthDelimited(ReadOnlyMemory<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            var span = bytes.Span;
            ulong key = Varint(span, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: Varint(span, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    int len = (int)Varint(span, ref i);
                    if (len < 0 || i + len > bytes.Length) throw new HarmoniaException("The ONNX file is truncated.");
                    var payload = bytes.Slice(i, len);
                    i += len;
                    yield return (field, payload);
                    break;
                default: throw new HarmoniaException("The ONNX file is not a valid protobuf.");
            }
        }
    }

    static ulong Varint(ReadOnlySpan<byte> s, ref int i)
    {
        ulong r = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (i >= s.Length) throw new HarmoniaException("The ONNX file is truncated.");
            byte c = s[i++];
            r |= (ulong)(c & 0x7f) << shift;
            if (c < 0x80) return r;
        }
        throw new HarmoniaException("The ONNX file is not a valid protobuf.");
    }
}
