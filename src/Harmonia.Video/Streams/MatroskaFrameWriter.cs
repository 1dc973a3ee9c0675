using System.Buffers.Binary;

namespace Harmonia.Video.Streams;

/// <summary>
/// Writes raw RGB24 frames, each with its own timestamp and duration, as a minimal Matroska stream (EBML header, one
/// uncompressed video track with colour-space fourcc <c>RGB\x18</c>, one cluster per frame) — the smallest container
/// FFmpeg reads from a pipe that carries per-frame timestamps, so variable frame rates survive the round trip (a bare
/// rawvideo pipe would restamp frames at a constant rate). Timestamps are in nanoseconds (TimestampScale 1).
/// The track states its nominal frame duration (DefaultDuration): FFmpeg otherwise guesses the frame rate by probing the
/// first frames, and one raw frame of 1080p (6.2 MB) is already past its 5 MB probe size, so it would see a single frame,
/// know no rate, leave the encoded packets without durations, and the MP4 muxer would give the last frame a duration of
/// 0 (its edit list then hides that frame: 249 of 250 frames decode).
/// </summary>
/// <param name="stream">Where the Matroska bytes go (ffmpeg's stdin).</param>
/// <param name="width">Frame width in pixels.</param>
/// <param name="height">Frame height in pixels.</param>
/// <param name="nominalFrameDurationNs">The source's nominal frame duration (1 / its base frame rate) in nanoseconds; each frame still carries its own timestamp and duration.</param>
public sealed class MatroskaFrameWriter(Stream stream, int width, int height, long nominalFrameDurationNs)
{
    // Element IDs from the Matroska specification.
    static readonly byte[] Ebml = [0x1A, 0x45, 0xDF, 0xA3], EbmlVersion = [0x42, 0x86], EbmlReadVersion = [0x42, 0xF7],
        EbmlMaxIdLength = [0x42, 0xF2], EbmlMaxSizeLength = [0x42, 0xF3], DocType = [0x42, 0x82],
        DocTypeVersion = [0x42, 0x87], DocTypeReadVersion = [0x42, 0x85], Segment = [0x18, 0x53, 0x80, 0x67],
        Info = [0x15, 0x49, 0xA9, 0x66], TimestampScale = [0x2A, 0xD7, 0xB1], MuxingApp = [0x4D, 0x80], WritingApp = [0x57, 0x41],
        Tracks = [0x16, 0x54, 0xAE, 0x6B], TrackEntry = [0xAE], TrackNumber = [0xD7], TrackUid = [0x73, 0xC5], TrackType = [0x83],
        CodecId = [0x86], FlagLacing = [0x9C], DefaultDuration = [0x23, 0xE3, 0x83], VideoElement = [0xE0], PixelWidth = [0xB0], PixelHeight = [0xBA],
        ColourSpace = [0x2E, 0xB5, 0x24], Cluster = [0x1F, 0x43, 0xB6, 0x75], ClusterTimestamp = [0xE7],
        BlockGroup = [0xA0], Block = [0xA1], BlockDuration = [0x9B];

    const int SizeLength = 8;             // every size is written as an 8-byte EBML integer (simple, always valid)
    const int UIntElementLength = 8;      // unsigned payloads are written on 8 bytes
    const int BlockHeaderLength = 4;      // track number (1), relative timestamp (2), flags (1)

    /// <summary>Bytes of one frame: <c>width·height·3</c>.</summary>
    public int FrameLength { get; } = checked(width * height * 3);

    /// <summary>Writes the EBML header, an unknown-size segment, the segment info and the video track.</summary>
    public async Task WriteHeaderAsync(CancellationToken cancellationToken)
    {
        var header = new MemoryStream();
        WriteElement(header, Ebml, Concat(
            UInt(EbmlVersion, 1), UInt(EbmlReadVersion, 1), UInt(EbmlMaxIdLength, 4), UInt(EbmlMaxSizeLength, 8),
            Text(DocType, "matroska"), UInt(DocTypeVersion, 4), UInt(DocTypeReadVersion, 2)));
        header.Write(Segment);
        header.Write([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);   // unknown size: the stream ends where the segment ends
        WriteElement(header, Info, Concat(UInt(TimestampScale, 1), Text(MuxingApp, "harmonia"), Text(WritingApp, "harmonia")));
        var video = Element(VideoElement, Concat(UInt(PixelWidth, (ulong)width), UInt(PixelHeight, (ulong)height), Element(ColourSpace, "RGB\x18"u8.ToArray())));
        var track = Element(TrackEntry, Concat(UInt(TrackNumber, 1), UInt(TrackUid, 1), UInt(TrackType, 1),
            Text(CodecId, "V_UNCOMPRESSED"), UInt(FlagLacing, 0), UInt(DefaultDuration, (ulong)Math.Max(1, nominalFrameDurationNs)), video));
        WriteElement(header, Tracks, track);
        await stream.WriteAsync(header.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one frame (<see cref="FrameLength"/> bytes of RGB24) shown at <paramref name="timestampNs"/> for <paramref name="durationNs"/>.</summary>
    public async Task WriteFrameAsync(ReadOnlyMemory<byte> rgb, long timestampNs, long durationNs, CancellationToken cancellationToken)
    {
        if (rgb.Length != FrameLength) throw new ArgumentException($"Expected {FrameLength} bytes per frame, got {rgb.Length}.", nameof(rgb));
        long blockLength = BlockHeaderLength + (long)FrameLength;
        long durationLength = BlockDuration.Length + SizeLength + UIntElementLength;
        long groupLength = Block.Length + SizeLength + blockLength + durationLength;
        long clusterLength = ClusterTimestamp.Length + SizeLength + UIntElementLength + BlockGroup.Length + SizeLength + groupLength;
        var head = new MemoryStream(64);
        head.Write(Cluster);
        WriteSize(head, clusterLength);
        head.Write(UInt(ClusterTimestamp, (ulong)Math.Max(0, timestampNs)));
        head.Write(BlockGroup);
        WriteSize(head, groupLength);
        head.Write(Block);
        WriteSize(head, blockLength);
        head.Write([0x81, 0x00, 0x00, 0x00]);   // track 1, timestamp relative to the cluster 0, no lacing
        await stream.WriteAsync(head.ToArray(), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(rgb, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(UInt(BlockDuration, (ulong)Math.Max(1, durationNs)), cancellationToken).ConfigureAwait(false);
    }

    static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    static byte[] Element(byte[] id, byte[] payload)
    {
        var m = new MemoryStream();
        WriteElement(m, id, payload);
        return m.ToArray();
    }

    static void WriteElement(Stream s, byte[] id, byte[] payload)
    {
        s.Write(id);
        WriteSize(s, payload.Length);
        s.Write(payload);
    }

    static byte[] UInt(byte[] id, ulong value)
    {
        var payload = new byte[UIntElementLength];
        BinaryPrimitives.WriteUInt64BigEndian(payload, value);
        return Element(id, payload);
    }

    static byte[] Text(byte[] id, string value) => Element(id, System.Text.Encoding.ASCII.GetBytes(value));

    /// <summary>An 8-byte EBML variable-size integer: marker byte 0x01 then 56 bits of size.</summary>
    static void WriteSize(Stream s, long size)
    {
        Span<byte> b = stackalloc byte[SizeLength];
        BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)size);
        b[0] = 0x01;
        s.Write(b);
    }
}
